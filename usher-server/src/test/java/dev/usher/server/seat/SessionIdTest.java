package dev.usher.server.seat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The session id check is a loop now; it must accept exactly what the regular expression it replaced accepted. */
class SessionIdTest {

    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String ALPHABET = "AZaz09._:-/ @é\u0000\u200b+%Zz9";

    @Test
    void acceptsExactlyWhatTheRuleAccepts() {
        Random random = new Random(20261205);
        for (int run = 0; run < 100_000; run++) {
            int length = random.nextInt(10) == 0 ? 120 + random.nextInt(16) : random.nextInt(12);
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < length; i++) {
                id.append(random.nextInt(4) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                        : (char) ('a' + random.nextInt(26)));
            }
            String s = id.toString();
            assertThat(SessionIds.isValid(s)).as("'%s'", s).isEqualTo(RULE.matcher(s).matches());
        }
        assertThat(SessionIds.isValid(null)).isFalse();
        assertThat(SessionIds.isValid("")).isFalse();
        assertThat(SessionIds.isValid("a".repeat(128))).isTrue();
        assertThat(SessionIds.isValid("a".repeat(129))).isFalse();
        assertThat(SessionIds.isValid("ws1-app-4711:x.y_z")).isTrue();
    }
}
