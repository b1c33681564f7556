package dev.usher.store.seat;

import static dev.usher.store.seat.ReadScript.longs;
import static dev.usher.store.seat.ReadScript.texts;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.core.seat.state.HeldSeat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second round trip of a shared load, sent with the first when the transaction already holds the locks of the pools
 * the operations name (a group takes its declared locks before it reads anything): the seats the people asking hold in
 * those pools, the seats of the sessions named, the pools' loans, and the pools' tallies.
 *
 * <p>Every pool's lock is held from the first statement to the commit, so each round trip inside it is time every other
 * node's decisions on that pool wait. A checkout or check-in group needs nothing beyond its declared pools, and then
 * {@link SharedBookLoader} skips its second round trip (the reads are what that round trip would read, with the people
 * resolved from their names in SQL rather than from the first round trip's answer). When the first round trip shows more
 * (a session holding seats in other pools, a session to end), {@link #covers} says no and the second round trip runs.
 */
final class ReadAhead {

    private final Set<PoolKey> pools;
    private final Map<String, HeldSeat> seats = new LinkedHashMap<>();
    private final SharedTallies.Reading tallies;

    private ReadAhead(Set<PoolKey> pools, SharedTallies.Reading tallies) {
        this.pools = pools;
        this.tallies = tallies;
    }

    /**
     * Adds the reads to {@code read} (the first round trip), for {@code lockedPools} (held since before it).
     *
     * @param sessions  the sessions the first round trip reads with their checkouts (their seats are read here too)
     * @param loanPools the pools borrowed from (their loans)
     */
    static ReadAhead add(ReadScript read, PoolTermsSource terms, Set<PoolKey> lockedPools, List<? extends SeatOp<?>> ops,
                         Set<String> sessions, Set<PoolKey> loanPools, Instant now, long allUsersRole) {
        List<String> products = new ArrayList<>();
        List<String> features = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (SeatOp<?> op : ops) {
            if (op instanceof SeatOp.Checkout co && lockedPools.contains(co.request().pool())) {
                var r = co.request();
                products.add(r.pool().product());
                features.add(r.pool().feature());
                ids.add(r.userId());
                keys.add(r.userId() != null ? null : r.userKey());
            }
        }
        ReadAhead ahead = new ReadAhead(Set.copyOf(lockedPools), SharedTallies.read(read, terms, lockedPools, now, allUsersRole));
        read.add(SharedReads.SEATS_AHEAD,
                List.of(texts(products), texts(features), longs(ids), texts(products), texts(features), texts(keys), texts(sessions),
                        texts(loanPools.stream().map(PoolKey::product).toList()),
                        texts(loanPools.stream().map(PoolKey::feature).toList())),
                rs -> {
                    HeldSeat s = SeatRows.seat(rs, 1);
                    ahead.seats.putIfAbsent(s.id(), s);
                });
        return ahead;
    }

    /** The seats read: those of the people asking in the pools they ask about, of the sessions named, and the loans. */
    Map<String, HeldSeat> seats() {
        return seats;
    }

    /** True when every pool a decision may count in ({@code tallied}) had its tally read here, under its lock. */
    boolean covers(Set<PoolKey> tallied) {
        return pools.containsAll(tallied);
    }

    SharedTallies tallies() {
        return tallies.done();
    }
}
