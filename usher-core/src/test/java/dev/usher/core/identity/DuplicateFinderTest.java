package dev.usher.core.identity;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DuplicateFinderTest {

    private static final UserNames NAMES = new UserNames(true);
    private static final Set<String> HOSTS = Set.of("ws1", "ws2", "ws3", "build-07", "pc");

    private static DuplicateFinder.Candidate c(long id, String name) {
        return new DuplicateFinder.Candidate(id, name, NAMES.key(name), Instant.parse("2026-01-01T00:00:00Z").plusSeconds(id));
    }

    @Test
    void hostNamesMixedIntoUserNamesAreRemovedWhereverTheyStand() {
        for (String name : List.of("alice-ws1", "ws1-alice", "alice_ws2", "ws2.alice", "alice (ws3)", "alice on ws1",
                "alicews1", "ws1alice")) {
            assertThat(DuplicateFinder.personKey(NAMES.key(name), Set.of("build-07", "ws1", "ws2", "ws3"))).as(name).isEqualTo("alice");
        }
        // Nothing to remove: the name stays as it is; short "hosts" are ignored (see MIN_HOST_LENGTH).
        assertThat(DuplicateFinder.personKey("alice.smith", Set.of("ws1"))).isEqualTo("alice.smith");
        assertThat(DuplicateFinder.find(List.of(c(1, "epcot"), c(2, "eot")), Set.of("pc")).duplicates()).isEmpty();
    }

    @Test
    void groupsProbableDuplicatesIntoTheCleanlySpelledUser() {
        var report = DuplicateFinder.find(List.of(c(1, "alice-ws1"), c(2, "alice"), c(3, "ws2_alice"), c(4, "bob"),
                c(5, "bob.ws3")), HOSTS);
        assertThat(report.duplicates()).hasSize(2);
        var alice = report.duplicates().stream().filter(f -> f.into().name().equals("alice")).findFirst().orElseThrow();
        assertThat(alice.duplicates()).extracting(DuplicateFinder.Candidate::name).containsExactly("alice-ws1", "ws2_alice");
        assertThat(alice.reason()).contains("'alice-ws1' is 'alice' with a host name mixed in");
        assertThat(report.duplicates().stream().filter(f -> f.into().name().equals("bob")).findFirst().orElseThrow().duplicates())
                .extracting(DuplicateFinder.Candidate::name).containsExactly("bob.ws3");
    }

    @Test
    void withoutACleanSpellingTheOldestUserIsKept() {
        var report = DuplicateFinder.find(List.of(c(7, "carol-ws2"), c(3, "carol-ws1")), HOSTS);
        assertThat(report.duplicates()).singleElement().satisfies(f -> {
            assertThat(f.into().name()).isEqualTo("carol-ws1");
            assertThat(f.duplicates()).extracting(DuplicateFinder.Candidate::name).containsExactly("carol-ws2");
        });
    }

    @Test
    void usersNamedLikeAHostAreReportedSeparately() {
        var report = DuplicateFinder.find(List.of(c(1, "build-07"), c(2, "dave")), HOSTS);
        assertThat(report.duplicates()).isEmpty();
        assertThat(report.hostNamedUsers()).singleElement().satisfies(h -> {
            assertThat(h.user().name()).isEqualTo("build-07");
            assertThat(h.host()).isEqualTo("build-07");
        });
    }

    @Test
    void distinctPeopleAreLeftAlone() {
        assertThat(DuplicateFinder.find(List.of(c(1, "alice"), c(2, "alicia"), c(3, "al")), HOSTS).duplicates()).isEmpty();
    }
}
