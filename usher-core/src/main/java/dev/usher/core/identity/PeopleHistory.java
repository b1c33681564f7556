package dev.usher.core.identity;

import java.time.Instant;
import java.util.List;

/**
 * What the history says about people, for the doctor and the stray-people purge: who took seats on
 * which host, and who has not been seen for a while. Reads only; what to do with it is the caller's.
 */
public interface PeopleHistory {

    /** How often a name (as the client reported it) took or joined a seat from a host (as reported). */
    record HostUse(String host, String user, long checkouts) {}

    /** A person not seen since {@code lastSeenAt}, holding no seat (borrowed ones included) and no session. */
    record Stray(long id, String name, String source, Instant createdAt, Instant lastSeenAt) {}

    /** Checkouts (new seats and joins) per reported host and name since {@code since}. */
    List<HostUse> hostUse(Instant since);

    /** People last seen before {@code cutoff}, oldest first, at most {@code limit}. */
    List<Stray> strays(Instant cutoff, int limit);
}
