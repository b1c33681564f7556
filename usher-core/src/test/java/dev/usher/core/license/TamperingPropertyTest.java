package dev.usher.core.license;

import static dev.usher.core.license.LicenseFixtures.DURING;
import static dev.usher.core.license.LicenseFixtures.INSTALLATION;
import static dev.usher.core.license.LicenseFixtures.TRUSTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Changing any byte of a valid license file never yields a valid license. */
class TamperingPropertyTest {

    private final byte[] original = LicenseFixtures.signed().text().getBytes(StandardCharsets.UTF_8);
    private final Map<RejectionReason, Integer> reasons = new EnumMap<>(RejectionReason.class);

    @Test
    void everySingleBitFlipOfEveryByteIsRejected() {
        assertThat(outcome(original)).as("the untouched file").isNull();
        List<String> accepted = new ArrayList<>();

        for (int position = 0; position < original.length; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = original.clone();
                tampered[position] ^= (byte) (1 << bit);
                if (outcome(tampered) == null) {
                    accepted.add("byte " + position + " bit " + bit);
                }
            }
        }

        assertThat(accepted).as("flips that still verified").isEmpty();
        // Guards against a test that passes because everything fails the same trivial way.
        assertThat(reasons).containsKeys(RejectionReason.MALFORMED, RejectionReason.UNKNOWN_KEY, RejectionReason.BAD_SIGNATURE);
        assertThat(reasons.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(original.length * 8);
    }

    @Test
    void randomByteSubstitutionsAreRejected() {
        Random random = new Random(20260101L);
        // The final newline is excluded: whitespace around the text is forgiven on purpose (pasting), so
        // replacing that newline by a space or a tab is the same license, not a tampered one.
        int lastSignificant = original.length - 1;
        assertThat(original[lastSignificant]).isEqualTo((byte) '\n');
        List<String> accepted = new ArrayList<>();

        for (int i = 0; i < 500; i++) {
            int position = random.nextInt(lastSignificant);
            byte replacement;
            do {
                replacement = (byte) random.nextInt(256);
            } while (replacement == original[position]);
            byte[] tampered = original.clone();
            tampered[position] = replacement;
            if (outcome(tampered) == null) {
                accepted.add("byte " + position + " := " + (replacement & 0xff));
            }
        }

        assertThat(accepted).as("substitutions that still verified").isEmpty();
    }

    /** Null when the bytes are a valid license; else the reason they are not. */
    private RejectionReason outcome(byte[] bytes) {
        try {
            LicenseFile file = LicenseFile.parse(new String(bytes, StandardCharsets.UTF_8));
            LicenseVerifier.verify(file, TRUSTED, INSTALLATION, DURING);
            return null;
        } catch (LicenseRejection e) {
            reasons.merge(e.reason(), 1, Integer::sum);
            return e.reason();
        }
    }
}
