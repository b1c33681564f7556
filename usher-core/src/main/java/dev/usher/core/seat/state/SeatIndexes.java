package dev.usher.core.seat.state;

import dev.usher.core.seat.PoolKey;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * How a {@link SeatBook} finds seats other than by id: a person's seats in a pool and in every pool, the seat a
 * key holds, the seats on loan in a pool, and the lingering seats by the end of their linger (so that a sweep
 * costs what ends, not what is held). Ids only; the book keeps the seats, adds each seat here as it is put and
 * removes it as it changes or goes. Concurrent collections: readers of a resident book look while it is changed.
 */
final class SeatIndexes {

    /** Seats of one person in one pool: how the key's seat is found whatever the key policy. */
    private record PersonInPool(PoolKey pool, long userId) {}

    private record PoolSeatKey(PoolKey pool, String seatKey) {}

    private record Due(long at, String seatId) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : seatId.compareTo(o.seatId);
        }
    }

    private final Map<PersonInPool, Set<String>> byPersonInPool = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> byPerson = new ConcurrentHashMap<>();
    private final Map<PoolSeatKey, String> byKey = new ConcurrentHashMap<>();
    private final Map<PoolKey, Set<String>> loansByPool = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> lingering = new ConcurrentSkipListSet<>();

    /** The seats of a person in a pool; null when none. */
    Set<String> ofPerson(PoolKey pool, long userId) {
        return byPersonInPool.get(new PersonInPool(pool, userId));
    }

    /** The seats of a person in every pool; null when none. */
    Set<String> ofPerson(long userId) {
        return byPerson.get(userId);
    }

    /** The seat the key holds in the pool; null when none. */
    String ofKey(PoolKey pool, String seatKey) {
        return byKey.get(new PoolSeatKey(pool, seatKey));
    }

    /** The seats of the pool with a loan date (ended or not). */
    Set<String> loansIn(PoolKey pool) {
        return loansByPool.getOrDefault(pool, Set.of());
    }

    /** The seats with a loan date, pool by pool. */
    Iterable<Set<String>> loansByPool() {
        return loansByPool.values();
    }

    /** Seats whose linger ends at or before {@code now}, earliest first. */
    Stream<String> lingerEndedBy(long now) {
        return lingering.stream().takeWhile(d -> d.at() <= now).map(Due::seatId);
    }

    void add(HeldSeat s) {
        byPersonInPool.computeIfAbsent(new PersonInPool(s.pool(), s.userId()), k -> ConcurrentHashMap.newKeySet()).add(s.id());
        byPerson.computeIfAbsent(s.userId(), k -> ConcurrentHashMap.newKeySet()).add(s.id());
        byKey.put(new PoolSeatKey(s.pool(), s.seatKey()), s.id());
        if (s.borrowedUntil() != null) {
            loansByPool.computeIfAbsent(s.pool(), k -> ConcurrentHashMap.newKeySet()).add(s.id());
        }
        if (s.lingerUntil() != null) {
            lingering.add(new Due(s.lingerUntil(), s.id()));
        }
    }

    void remove(HeldSeat s) {
        removeFrom(byPersonInPool, new PersonInPool(s.pool(), s.userId()), s.id());
        removeFrom(byPerson, s.userId(), s.id());
        byKey.remove(new PoolSeatKey(s.pool(), s.seatKey()), s.id());
        if (s.borrowedUntil() != null) {
            removeFrom(loansByPool, s.pool(), s.id());
        }
        if (s.lingerUntil() != null) {
            lingering.remove(new Due(s.lingerUntil(), s.id()));
        }
    }

    private static <K> void removeFrom(Map<K, Set<String>> index, K key, String id) {
        Set<String> ids = index.get(key);
        if (ids != null) {
            ids.remove(id);
            if (ids.isEmpty()) {
                index.remove(key, ids);
            }
        }
    }
}
