package dev.usher.server.auth;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.PeopleHistory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Stray people: users nobody has seen take a seat for N days (typos, machine names, people who
 * left), listed and purged. Never purged: a person holding a seat (a borrowed one included) or a
 * session, and administrators. A purge re-checks everything at the moment it runs, deletes person
 * by person (the store refuses anyone who took a seat meanwhile), and records each in the audit trail.
 */
public final class StrayPeople {

    /** At most this many are listed (and purged) at once. */
    public static final int MAX = 10_000;
    public static final int MAX_DAYS = 36_500;

    /** Who would go: not seen since {@code cutoff} ({@code days} before now). */
    public record Preview(int days, Instant cutoff, List<PeopleHistory.Stray> people) {}

    /** Who went, and who stayed and why (they took a seat meanwhile, ...). */
    public record Purge(int days, List<String> purged, List<String> kept) {}

    private final PeopleHistory history;
    private final UserDirectory users;
    private final Clock clock;

    public StrayPeople(PeopleHistory history, UserDirectory users, Clock clock) {
        this.history = history;
        this.users = users;
        this.clock = clock;
    }

    /** @throws IllegalArgumentException when {@code days} is not 1 to 36,500 */
    public Preview preview(int days) {
        Instant cutoff = cutoff(days);
        return new Preview(days, cutoff, history.strays(cutoff, MAX));
    }

    /**
     * Deletes the people not seen for {@code days}; with {@code only} (ids from a preview), only those
     * of them, so a purge never takes someone the administrator did not see in the preview.
     */
    public Purge purge(int days, Collection<Long> only, String actor, String source) {
        Instant cutoff = cutoff(days);
        List<String> purged = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (PeopleHistory.Stray s : history.strays(cutoff, MAX)) {
            if (only != null && !only.contains(s.id())) {
                continue;
            }
            try {
                users.delete(s.id());
            } catch (IdentityException e) {
                kept.add(s.name() + ": " + e.getMessage());
                continue;
            }
            users.recordAdminEvent(clock.instant(), "user-purged", actor, source, s.name(),
                    "stray: not seen for " + days + " days (last seen " + s.lastSeenAt() + ", source " + s.source() + ")");
            purged.add(s.name());
        }
        return new Purge(days, purged, kept);
    }

    private Instant cutoff(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be a number of days from 1 to " + MAX_DAYS);
        }
        return clock.instant().minus(Duration.ofDays(days));
    }
}
