package dev.usher.core.seat.state;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatKeyPolicy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seat state decisions read and their effects change: sessions, seats, each pool's tally, and
 * the people the current decisions are about.
 *
 * <p>Two uses, one class:
 * <ul>
 *   <li><b>resident</b> ({@link #resident}): the whole state of a store that one process owns (SQLite),
 *       loaded at start and kept by applying every effect. Absent means it does not exist.</li>
 *   <li><b>partial</b> ({@link #partial}): what a group of decisions needs, loaded from a shared store
 *       (PostgreSQL) under the group's locks. Reading anything the loader did not load throws
 *       {@link NotLoadedException}: a decision is never made on a guess.</li>
 * </ul>
 * People are always partial: the store loads the few a group is about.
 *
 * <p>One thread applies effects. In resident mode other threads read too: they read inside
 * {@link #read} while the applying thread changes the book inside {@link #write}, so a reader sees
 * whole groups of decisions, never one half applied (two seats where one replaced the other).
 * {@link #begin()} starts an undo journal so that a group whose commit failed is taken back.
 */
public final class SeatBook {

    private static final Comparator<HeldSeat> OLDEST_FIRST = Comparator.comparingLong(HeldSeat::createdAt).thenComparing(HeldSeat::id);

    private final boolean resident;
    private final SeatTables t = new SeatTables();
    private final LoadedParts loaded;
    private final Map<String, Long> reservedIds = new ConcurrentHashMap<>();
    private volatile long allUsersRole = -1;

    private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();

    private SeatBook(boolean resident) {
        this.resident = resident;
        this.loaded = new LoadedParts(resident);
    }

    public static SeatBook resident() {
        return new SeatBook(true);
    }

    public static SeatBook partial() {
        return new SeatBook(false);
    }

    public boolean isResident() {
        return resident;
    }

    /** Reads a consistent view: no group is being applied meanwhile. */
    public <T> T read(java.util.function.Supplier<T> view) {
        lock.readLock().lock();
        try {
            return view.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Changes the book (applies a group, takes one back) while no reader looks. */
    public <T> T write(java.util.function.Supplier<T> change) {
        lock.writeLock().lock();
        try {
            return change.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---- reading ---------------------------------------------------------------------------------

    public Optional<LiveSession> session(String id) {
        loaded.requireSession(id);
        return Optional.ofNullable(t.sessions.get(id));
    }

    public Optional<HeldSeat> seat(String id) {
        loaded.requireSeat(id);
        return Optional.ofNullable(t.seats.get(id));
    }

    /**
     * The seat a key holds in the pool, found by what the key means rather than by the key string, so
     * that after an administrator switches a pool from user+host to user, a person's existing seat is
     * found and joined. Several (left from before such a switch): the oldest. Under the session policy
     * the key means the session: the seat with its key, else the person's oldest seat granted to that
     * session (under user or user+host, before a switch to session keys), which a seat remembers.
     */
    public Optional<HeldSeat> seatOfKey(PoolKey pool, SeatKeyPolicy policy, long userId, String hostKey, String sessionId) {
        loaded.requireSeatsOf(pool, userId);
        if (policy == SeatKeyPolicy.SESSION) {
            String id = t.indexes.ofKey(pool, policy.seatKey(userId, hostKey, sessionId));
            if (id != null) {
                return Optional.ofNullable(t.seats.get(id));
            }
            return seatsOf(pool, userId).stream()
                    .filter(s -> s.grantSession() != null && s.grantSession().equals(sessionId))
                    .min(OLDEST_FIRST);
        }
        return seatsOf(pool, userId).stream()
                .filter(s -> policy == SeatKeyPolicy.USER || s.hostKey().equals(hostKey))
                .min(OLDEST_FIRST);
    }

    /** Every seat of a person in a pool. */
    public List<HeldSeat> seatsOf(PoolKey pool, long userId) {
        loaded.requireSeatsOf(pool, userId);
        return seatsIn(t.indexes.ofPerson(pool, userId));
    }

    /** Every seat of a person, in every pool. */
    public List<HeldSeat> seatsOf(long userId) {
        loaded.requireSeatsOf(userId);
        return seatsIn(t.indexes.ofPerson(userId));
    }

    private List<HeldSeat> seatsIn(Set<String> ids) {
        if (ids == null) {
            return List.of();
        }
        List<HeldSeat> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            HeldSeat s = t.seats.get(id);
            if (s != null) {
                out.add(s);
            }
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    /** The sessions attached to a seat, sorted. */
    public List<String> sessionsOn(String seatId) {
        loaded.requireSessionsOn(seatId);
        Set<String> on = t.sessionsOnSeat.get(seatId);
        return on == null ? List.of() : on.stream().sorted().toList();
    }

    public PoolTally tally(PoolKey pool) {
        PoolTally tally = t.tallies.get(pool);
        if (tally == null) {
            if (!resident) {
                throw new NotLoadedException("the tally of " + pool);
            }
            return PoolTally.EMPTY;
        }
        return tally;
    }

    /** Seats of the pool on loan at {@code now}. */
    public List<HeldSeat> loansIn(PoolKey pool, long now) {
        if (!resident && !t.tallies.containsKey(pool)) {
            throw new NotLoadedException("the loans of " + pool);
        }
        List<HeldSeat> out = new ArrayList<>();
        for (String id : t.indexes.loansIn(pool)) {
            HeldSeat s = t.seats.get(id);
            if (s != null && s.onLoanAt(now)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Seats whose linger ended at or before {@code now}, oldest first (a resident book's sweep). */
    public List<HeldSeat> lingerEnded(long now, int max) {
        loaded.requireResident("lingering seats");
        List<HeldSeat> out = new ArrayList<>();
        for (String id : (Iterable<String>) t.indexes.lingerEndedBy(now)::iterator) {
            if (out.size() >= max) {
                break;
            }
            HeldSeat s = t.seats.get(id);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Seats whose loan ended at or before {@code now} (a resident book's sweep). */
    public List<HeldSeat> loansEnded(long now) {
        loaded.requireResident("ended loans");
        List<HeldSeat> out = new ArrayList<>();
        for (Set<String> ids : t.indexes.loansByPool()) {
            for (String id : ids) {
                HeldSeat s = t.seats.get(id);
                if (s != null && s.borrowedUntil() != null && s.borrowedUntil() <= now) {
                    out.add(s);
                }
            }
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    public Optional<Person> person(long id) {
        Person p = t.people.get(id);
        if (p == null && !loaded.hasPerson(id)) {
            throw new NotLoadedException("person " + id);
        }
        return Optional.ofNullable(p);
    }

    /** The person a normalized name belongs to (through their aliases). */
    public Optional<Person> personByKey(String key) {
        Long id = t.personByKey.get(key);
        if (id == null) {
            if (!loaded.hasKey(key)) {
                throw new NotLoadedException("the person named " + key);
            }
            return Optional.empty();
        }
        return Optional.ofNullable(t.people.get(id));
    }

    /** The id a new person of this name would get (reserved by the loader), or empty when none may be created. */
    public Optional<Long> reservedPersonId(String key) {
        return Optional.ofNullable(reservedIds.get(key));
    }

    /** The built-in All Users role, which every person is in. */
    public long allUsersRole() {
        if (allUsersRole < 0) {
            throw new NotLoadedException("the All Users role");
        }
        return allUsersRole;
    }

    // Whole-state views (resident books: status, console, sweeps).

    public Collection<LiveSession> sessions() {
        loaded.requireResident("every session");
        return t.sessions.values();
    }

    public Collection<HeldSeat> seats() {
        loaded.requireResident("every seat");
        return t.seats.values();
    }

    public Map<PoolKey, PoolTally> tallies() {
        loaded.requireResident("every pool");
        return Map.copyOf(t.tallies);
    }

    // ---- loading (the store) -----------------------------------------------------------------------

    /** A session the loader read; also marks it loaded. */
    public void load(LiveSession s) {
        loaded.markSession(s.id());
        t.sessions.put(s.id(), s);
    }

    /** The loader looked for this session and found none. */
    public void loadNoSession(String id) {
        loaded.markSession(id);
    }

    /** A seat the loader read, with the sessions attached to it when {@code sessionIds} is not null. */
    public void load(HeldSeat s, Collection<String> sessionIds) {
        loaded.markSeat(s.id());
        t.indexes.add(s);
        t.seats.put(s.id(), s);
        if (sessionIds != null) {
            loaded.markSessionsOn(s.id());
            Set<String> on = ConcurrentHashMap.newKeySet();
            on.addAll(sessionIds);
            t.sessionsOnSeat.put(s.id(), on);
        }
    }

    /** The loader looked for this seat and found none. */
    public void loadNoSeat(String id) {
        loaded.markSeat(id);
    }

    /** Every seat of this person in this pool has been loaded. */
    public void loadedSeatsOf(PoolKey pool, long userId) {
        loaded.markSeatsOf(pool, userId);
    }

    /** Every seat of this person (in every pool) has been loaded. */
    public void loadedSeatsOf(long userId) {
        loaded.markSeatsOf(userId);
    }

    public void load(PoolKey pool, PoolTally tally) {
        t.tallies.put(pool, tally);
    }

    public void load(Person p) {
        loaded.markPerson(p.id());
        t.people.put(p.id(), p);
    }

    /** The loader looked for this person and found none. */
    public void loadNoPerson(long id) {
        loaded.markPerson(id);
    }

    /** The person a normalized name belongs to, or none ({@code id} null); with the id a new one would get. */
    public void loadKey(String key, Long id, Long reservedId) {
        loaded.markKey(key);
        if (id != null) {
            t.personByKey.put(key, id);
        }
        if (reservedId != null) {
            reservedIds.put(key, reservedId);
        }
    }

    public void loadAllUsersRole(long roleId) {
        this.allUsersRole = roleId;
    }

    /**
     * Forgets the people loaded for the last group (a resident book keeps seats, not people: people
     * change through the directory, and are read again for the next decisions about them).
     */
    public void forgetPeople() {
        t.people.clear();
        t.personByKey.clear();
        reservedIds.clear();
        loaded.forgetPeople();
    }

    /** The seats loaded so far (a partial book's loader fills in their counts and limits). */
    public Collection<HeldSeat> seatsLoaded() {
        return t.seats.values();
    }

    /** The sessions loaded so far. */
    public Collection<LiveSession> sessionsLoaded() {
        return t.sessions.values();
    }

    /** Pools whose tally is loaded. */
    public Set<PoolKey> poolsLoaded() {
        return Set.copyOf(t.tallies.keySet());
    }

    /** Whether a seat / session was loaded (present or not). */
    public boolean hasSeat(String id) {
        return resident ? t.seats.containsKey(id) : loaded.hasSeat(id);
    }

    public boolean hasSession(String id) {
        return resident ? t.sessions.containsKey(id) : loaded.hasSession(id);
    }

    /** Whether the loader already read this person / name (so it can skip them). */
    public boolean hasPerson(long id) {
        return loaded.hasPerson(id);
    }

    public boolean hasKey(String key) {
        return loaded.hasKey(key);
    }

    /**
     * Replaces the limit rules each seat of a pool counts against (after the rules or role memberships
     * changed), and the pool's per-limit counts with them. {@code limitsBySeat} names every seat of the pool.
     */
    public void recountLimits(PoolKey pool, Map<String, Set<Integer>> limitsBySeat) {
        PoolTally before = tally(pool);
        java.util.Map<Integer, Integer> perLimit = new java.util.HashMap<>();
        limitsBySeat.forEach((seatId, limits) -> {
            HeldSeat s = t.seats.get(seatId);
            if (s == null || !s.pool().equals(pool)) {
                return;
            }
            if (!limits.equals(s.limits())) {
                t.putSeat(s.withLimits(limits));
            }
            for (int i : limits) {
                perLimit.merge(i, 1, Integer::sum);
            }
        });
        t.putTally(pool, new PoolTally(before.inUse(), before.perReserve(), before.shared(), perLimit));
    }

    /** Which sessions a step of the wall clock moves, by last heartbeat and lease end (epoch ms): {@code ClockSteps.LeaseShift::covers}. */
    @FunctionalInterface
    public interface ShiftedLeases {
        boolean covers(long lastHeartbeatMs, long leaseEndMs);
    }

    /**
     * Moves the lease of every session {@code which} covers by {@code byMs}, after the wall clock stepped, as the
     * lease table and the stored leases are moved: a decision reads the later of the book's end and the table's,
     * so after a step back an unmoved end here would keep a dead session's seat for the length of the step.
     * Returns how many moved.
     */
    public int shiftLeases(long byMs, ShiftedLeases which) {
        loaded.requireResident("every session's lease");
        int moved = 0;
        for (LiveSession s : List.copyOf(t.sessions.values())) {
            if (which.covers(s.lastHeartbeat(), s.leaseEnd())) {
                t.putSession(s.shifted(byMs));
                moved++;
            }
        }
        return moved;
    }

    // ---- applying ------------------------------------------------------------------------------------

    /**
     * Starts journaling changes, so that {@link #rollback()} can take them back; while journaling already
     * (several groups share one transaction), the journal goes on.
     */
    public void begin() {
        t.begin();
    }

    /** Keeps the changes since {@link #begin()}. */
    public void commit() {
        t.commit();
    }

    /** Takes back every change since {@link #begin()} (the group's commit failed). */
    public void rollback() {
        t.rollback();
    }

    public void apply(List<Effect> effects) {
        for (Effect e : effects) {
            apply(e);
        }
    }

    /** Applies one effect (see {@link EffectApplication} for what each checks). */
    public void apply(Effect effect) {
        EffectApplication.apply(this, t, loaded, effect);
    }

    /** For the console and tests: epoch ms as an instant, null kept. */
    public static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
