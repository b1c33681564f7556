package dev.usher.cli.bench;

import dev.usher.cli.common.CliException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the bench fits its sessions into the pool, decided before any load is sent.
 *
 * <p>Under the default seat-key policy {@code user}, all sessions of one person share one seat, so
 * N sessions spread over U users take U seats (realistic: a person runs many app instances). The
 * live sessions of the heartbeat phase use users {@code bench-user-0..U-1}; the checkout+checkin
 * cycles use users {@code bench-cycler-0..K-1}, one per connection when the pool has the seats, so
 * that every cycle takes a new seat and gives it back (the expensive path). Under
 * {@code user+host} each bench user has one host, so the count is the same; under {@code session}
 * every session needs its own seat.
 *
 * @param cycleUsers distinct users of the cycles phase (fewer than the connections when seats are
 *                   short: then concurrent cycles of one user join its seat instead of taking one)
 * @param notes      what the plan had to adapt, for the report
 */
record Plan(int connections, int sessions, int users, int cycleUsers, String policy, Integer freeSeats, List<String> notes) {

    static Plan of(int connections, int sessions, int users, Optional<ServerApi.Pool> pool,
                   boolean cycles, boolean sessionsNeeded) {
        Target.requireBetween("--connections", connections, 1, 1024);
        Target.requireBetween("--sessions", sessions, 1, 1_000_000);
        Target.requireBetween("--users", users, 1, 1_000_000);
        if (users > sessions) {
            throw new CliException("--users (" + users + ") cannot exceed --sessions (" + sessions + ")");
        }
        List<String> notes = new ArrayList<>();
        if (pool.isEmpty()) {
            notes.add("no admin token: pool capacity not checked (pass --token to check it first)");
            return new Plan(connections, sessions, users, connections, "user", null, notes);
        }
        ServerApi.Pool p = pool.get();
        String where = "pool " + p.product() + "/" + p.feature() + " (capacity " + p.capacity() + ", in use " + p.inUse()
                + ", seat key '" + p.policy() + "')";
        boolean perSession = p.policy().equalsIgnoreCase("session");
        int free = p.free();
        if (sessionsNeeded) {
            int seats = perSession ? sessions : users;
            if (seats > free) {
                throw new CliException(sessions + " live sessions of " + users + " users need " + seats + " seats, but "
                        + where + " has " + free + " free: lower --users"
                        + (perSession ? " (or use seat key 'user')" : "")
                        + ", or add a bigger license with --license FILE (see docs/BENCHMARKS.md)");
            }
        }
        int cycleUsers = connections;
        if (cycles) {
            if (free == 0) {
                throw new CliException(where + " has no free seat for the checkout+checkin cycles: add a license with --license FILE");
            }
            if (connections > free) {
                if (perSession) {
                    throw new CliException(connections + " connections of checkout+checkin cycles need " + connections
                            + " free seats under seat key 'session', but " + where + " has " + free
                            + ": lower --connections or add a license with --license FILE");
                }
                cycleUsers = free;
                notes.add("cycles: " + free + " free seats for " + connections + " connections, so " + free
                        + " users share them: some checkouts join a seat (200) instead of taking one (201)");
            }
        }
        return new Plan(connections, sessions, users, cycleUsers, p.policy(), free, notes);
    }
}
