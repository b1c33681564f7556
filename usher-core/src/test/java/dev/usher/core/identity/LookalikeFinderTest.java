package dev.usher.core.identity;

import dev.usher.core.identity.DuplicateFinder.Candidate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LookalikeFinderTest {

    private static final UserNames NAMES = new UserNames(true);

    private static Candidate user(long id, String name) {
        return new Candidate(id, name, NAMES.key(name), Instant.parse("2026-01-01T00:00:00Z").plusSeconds(id));
    }

    @Test
    void cyrillicAndLatinLookalikesAreReportedAgainstThePlainSpelling() {
        Candidate cyrillic = user(1, "\u0430lice");
        Candidate latin = user(2, "alice");
        Candidate bob = user(3, "bob");
        var found = LookalikeFinder.find(List.of(cyrillic, latin, bob));
        assertThat(found).hasSize(1);
        assertThat(found.getFirst().like()).isEqualTo(latin);
        assertThat(found.getFirst().others()).containsExactly(cyrillic);
        assertThat(found.getFirst().reason()).isEqualTo("'\u0430lice' looks like 'alice' but has U+0430 CYRILLIC SMALL LETTER A");
    }

    @Test
    void differentNamesAndOneSpellingAreNotReported() {
        assertThat(LookalikeFinder.find(List.of(user(1, "alice"), user(2, "alicia"), user(3, "Bob"), user(4, "bob2")))).isEmpty();
    }

    @Test
    void withoutAPlainSpellingTheOldestIsTheOneTheOthersLookLike() {
        Candidate greek = user(1, "b\u03bfb");    // Greek omicron
        Candidate cyrillic = user(2, "b\u043eb"); // Cyrillic o
        var found = LookalikeFinder.find(List.of(cyrillic, greek));
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.like()).isEqualTo(greek);
            assertThat(f.others()).containsExactly(cyrillic);
        });
    }
}
