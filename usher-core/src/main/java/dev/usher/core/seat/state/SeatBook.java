package dev.usher.core.seat.state;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatKeyPolicy;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
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

    /** A person in a pool: a partial book says whose seats there it was loaded with. */
    private record PoolUser(PoolKey pool, long userId) {}

    private static final Comparator<HeldSeat> OLDEST_FIRST = Comparator.comparingLong(HeldSeat::createdAt).thenComparing(HeldSeat::id);

    private final boolean resident;
    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, HeldSeat> seats = new ConcurrentHashMap<>();
    private final Map<PoolKey, PoolTally> tallies = new ConcurrentHashMap<>();
    private final SeatIndexes indexes = new SeatIndexes();
    private final Map<String, Set<String>> sessionsOnSeat = new ConcurrentHashMap<>();
    private final Map<Long, Person> people = new ConcurrentHashMap<>();
    private final Map<String, Long> personByKey = new ConcurrentHashMap<>();

    // What a partial book was loaded with (absent entries included: "loaded, and there is none").
    private final Set<String> loadedSessions = new HashSet<>();
    private final Set<String> loadedSeats = new HashSet<>();
    private final Set<PoolUser> loadedPoolUsers = new HashSet<>();
    private final Set<Long> loadedUsers = new HashSet<>();
    private final Set<String> loadedSeatSessions = new HashSet<>();
    private final Set<Long> loadedPeople = new HashSet<>();
    private final Set<String> loadedKeys = new HashSet<>();
    private final Map<String, Long> reservedIds = new ConcurrentHashMap<>();
    private volatile long allUsersRole = -1;

    private Deque<Runnable> undo;
    private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();

    private SeatBook(boolean resident) {
        this.resident = resident;
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
        if (!resident && !loadedSessions.contains(id)) {
            throw new NotLoadedException("session " + id);
        }
        return Optional.ofNullable(sessions.get(id));
    }

    public Optional<HeldSeat> seat(String id) {
        if (!resident && !loadedSeats.contains(id)) {
            throw new NotLoadedException("seat " + id);
        }
        return Optional.ofNullable(seats.get(id));
    }

    /**
     * The seat a key holds in the pool, found by what the key means rather than by the key string, so
     * that after an administrator switches a pool from user+host to user, a person's existing seat is
     * found and joined. Several (left from before such a switch): the oldest. Under the session policy
     * the key means the session: the seat with its key, else the person's oldest seat granted to that
     * session (under user or user+host, before a switch to session keys), which a seat remembers.
     */
    public Optional<HeldSeat> seatOfKey(PoolKey pool, SeatKeyPolicy policy, long userId, String hostKey, String sessionId) {
        if (!resident && !loadedPoolUsers.contains(new PoolUser(pool, userId)) && !loadedUsers.contains(userId)) {
            throw new NotLoadedException("the seats of user " + userId + " in " + pool);
        }
        if (policy == SeatKeyPolicy.SESSION) {
            String id = indexes.ofKey(pool, policy.seatKey(userId, hostKey, sessionId));
            if (id != null) {
                return Optional.ofNullable(seats.get(id));
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
        if (!resident && !loadedPoolUsers.contains(new PoolUser(pool, userId)) && !loadedUsers.contains(userId)) {
            throw new NotLoadedException("the seats of user " + userId + " in " + pool);
        }
        return seatsIn(indexes.ofPerson(pool, userId));
    }

    /** Every seat of a person, in every pool. */
    public List<HeldSeat> seatsOf(long userId) {
        if (!resident && !loadedUsers.contains(userId)) {
            throw new NotLoadedException("the seats of user " + userId);
        }
        return seatsIn(indexes.ofPerson(userId));
    }

    private List<HeldSeat> seatsIn(Set<String> ids) {
        if (ids == null) {
            return List.of();
        }
        List<HeldSeat> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            HeldSeat s = seats.get(id);
            if (s != null) {
                out.add(s);
            }
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    /** The sessions attached to a seat, sorted. */
    public List<String> sessionsOn(String seatId) {
        if (!resident && !loadedSeatSessions.contains(seatId)) {
            throw new NotLoadedException("the sessions on seat " + seatId);
        }
        Set<String> on = sessionsOnSeat.get(seatId);
        return on == null ? List.of() : on.stream().sorted().toList();
    }

    public PoolTally tally(PoolKey pool) {
        PoolTally t = tallies.get(pool);
        if (t == null) {
            if (!resident) {
                throw new NotLoadedException("the tally of " + pool);
            }
            return PoolTally.EMPTY;
        }
        return t;
    }

    /** Seats of the pool on loan at {@code now}. */
    public List<HeldSeat> loansIn(PoolKey pool, long now) {
        if (!resident && !tallies.containsKey(pool)) {
            throw new NotLoadedException("the loans of " + pool);
        }
        List<HeldSeat> out = new ArrayList<>();
        for (String id : indexes.loansIn(pool)) {
            HeldSeat s = seats.get(id);
            if (s != null && s.onLoanAt(now)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Seats whose linger ended at or before {@code now}, oldest first (a resident book's sweep). */
    public List<HeldSeat> lingerEnded(long now, int max) {
        requireResident("lingering seats");
        List<HeldSeat> out = new ArrayList<>();
        for (String id : (Iterable<String>) indexes.lingerEndedBy(now)::iterator) {
            if (out.size() >= max) {
                break;
            }
            HeldSeat s = seats.get(id);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Seats whose loan ended at or before {@code now} (a resident book's sweep). */
    public List<HeldSeat> loansEnded(long now) {
        requireResident("ended loans");
        List<HeldSeat> out = new ArrayList<>();
        for (Set<String> ids : indexes.loansByPool()) {
            for (String id : ids) {
                HeldSeat s = seats.get(id);
                if (s != null && s.borrowedUntil() != null && s.borrowedUntil() <= now) {
                    out.add(s);
                }
            }
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    public Optional<Person> person(long id) {
        Person p = people.get(id);
        if (p == null && !loadedPeople.contains(id)) {
            throw new NotLoadedException("person " + id);
        }
        return Optional.ofNullable(p);
    }

    /** The person a normalized name belongs to (through their aliases). */
    public Optional<Person> personByKey(String key) {
        Long id = personByKey.get(key);
        if (id == null) {
            if (!loadedKeys.contains(key)) {
                throw new NotLoadedException("the person named " + key);
            }
            return Optional.empty();
        }
        return Optional.ofNullable(people.get(id));
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
        requireResident("every session");
        return sessions.values();
    }

    public Collection<HeldSeat> seats() {
        requireResident("every seat");
        return seats.values();
    }

    public Map<PoolKey, PoolTally> tallies() {
        requireResident("every pool");
        return Map.copyOf(tallies);
    }

    private void requireResident(String what) {
        if (!resident) {
            throw new NotLoadedException(what + " (a partial book holds only what its decisions need)");
        }
    }

    // ---- loading (the store) -----------------------------------------------------------------------

    /** A session the loader read; also marks it loaded. */
    public void load(LiveSession s) {
        loadedSessions.add(s.id());
        sessions.put(s.id(), s);
    }

    /** The loader looked for this session and found none. */
    public void loadNoSession(String id) {
        loadedSessions.add(id);
    }

    /** A seat the loader read, with the sessions attached to it when {@code sessionIds} is not null. */
    public void load(HeldSeat s, Collection<String> sessionIds) {
        loadedSeats.add(s.id());
        indexes.add(s);
        seats.put(s.id(), s);
        if (sessionIds != null) {
            loadedSeatSessions.add(s.id());
            Set<String> on = ConcurrentHashMap.newKeySet();
            on.addAll(sessionIds);
            sessionsOnSeat.put(s.id(), on);
        }
    }

    /** The loader looked for this seat and found none. */
    public void loadNoSeat(String id) {
        loadedSeats.add(id);
    }

    /** Every seat of this person in this pool has been loaded. */
    public void loadedSeatsOf(PoolKey pool, long userId) {
        loadedPoolUsers.add(new PoolUser(pool, userId));
    }

    /** Every seat of this person (in every pool) has been loaded. */
    public void loadedSeatsOf(long userId) {
        loadedUsers.add(userId);
    }

    public void load(PoolKey pool, PoolTally tally) {
        tallies.put(pool, tally);
    }

    public void load(Person p) {
        loadedPeople.add(p.id());
        people.put(p.id(), p);
    }

    /** The loader looked for this person and found none. */
    public void loadNoPerson(long id) {
        loadedPeople.add(id);
    }

    /** The person a normalized name belongs to, or none ({@code id} null); with the id a new one would get. */
    public void loadKey(String key, Long id, Long reservedId) {
        loadedKeys.add(key);
        if (id != null) {
            personByKey.put(key, id);
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
        people.clear();
        personByKey.clear();
        reservedIds.clear();
        loadedPeople.clear();
        loadedKeys.clear();
    }

    /** The seats loaded so far (a partial book's loader fills in their counts and limits). */
    public Collection<HeldSeat> seatsLoaded() {
        return seats.values();
    }

    /** The sessions loaded so far. */
    public Collection<LiveSession> sessionsLoaded() {
        return sessions.values();
    }

    /** Pools whose tally is loaded. */
    public Set<PoolKey> poolsLoaded() {
        return Set.copyOf(tallies.keySet());
    }

    /** Whether a seat / session was loaded (present or not). */
    public boolean hasSeat(String id) {
        return resident ? seats.containsKey(id) : loadedSeats.contains(id);
    }

    public boolean hasSession(String id) {
        return resident ? sessions.containsKey(id) : loadedSessions.contains(id);
    }

    /** Whether the loader already read this person / name (so it can skip them). */
    public boolean hasPerson(long id) {
        return loadedPeople.contains(id);
    }

    public boolean hasKey(String key) {
        return loadedKeys.contains(key);
    }

    /**
     * Replaces the limit rules each seat of a pool counts against (after the rules or role memberships
     * changed), and the pool's per-limit counts with them. {@code limitsBySeat} names every seat of the pool.
     */
    public void recountLimits(PoolKey pool, Map<String, Set<Integer>> limitsBySeat) {
        PoolTally t = tally(pool);
        java.util.Map<Integer, Integer> perLimit = new java.util.HashMap<>();
        limitsBySeat.forEach((seatId, limits) -> {
            HeldSeat s = seats.get(seatId);
            if (s == null || !s.pool().equals(pool)) {
                return;
            }
            if (!limits.equals(s.limits())) {
                putSeat(s.withLimits(limits));
            }
            for (int i : limits) {
                perLimit.merge(i, 1, Integer::sum);
            }
        });
        putTally(pool, new PoolTally(t.inUse(), t.perReserve(), t.shared(), perLimit));
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
        requireResident("every session's lease");
        int moved = 0;
        for (LiveSession s : List.copyOf(sessions.values())) {
            if (which.covers(s.lastHeartbeat(), s.leaseEnd())) {
                putSession(s.shifted(byMs));
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
        if (undo == null) {
            undo = new ArrayDeque<>();
        }
    }

    /** Keeps the changes since {@link #begin()}. */
    public void commit() {
        undo = null;
    }

    /** Takes back every change since {@link #begin()} (the group's commit failed). */
    public void rollback() {
        Deque<Runnable> u = undo;
        undo = null;
        if (u != null) {
            while (!u.isEmpty()) {
                u.pop().run();
            }
        }
    }

    public void apply(List<Effect> effects) {
        for (Effect e : effects) {
            apply(e);
        }
    }

    public void apply(Effect effect) {
        switch (effect) {
            case Effect.CreatePerson c -> {
                Person p = new Person(c.id(), c.name(), true, Set.of(allUsersRole()));
                Person before = people.put(p.id(), p);
                Long keyBefore = personByKey.put(c.key(), p.id());
                boolean wasLoaded = loadedPeople.add(p.id());
                journal(() -> {
                    restore(people, p.id(), before);
                    restore(personByKey, c.key(), keyBefore);
                    if (wasLoaded) {
                        loadedPeople.remove(p.id());
                    }
                });
            }
            case Effect.TouchPerson ignored -> {
                // last-seen lives in the directory, not in seat decisions
            }
            case Effect.StartSession s -> {
                if (sessions.containsKey(s.id())) {
                    throw new IllegalStateException("session " + s.id() + " already exists");
                }
                putSession(new LiveSession(s.id(), s.userId(), s.userName(), s.host(), s.hostKey(), s.client(),
                        s.at().toEpochMilli(), s.at().toEpochMilli(), s.leaseEnd().toEpochMilli(), Map.of()));
            }
            case Effect.RenewLease r -> putSession(existingSession(r.sessionId()).renewed(r.at().toEpochMilli(), r.leaseEnd().toEpochMilli()));
            case Effect.EndSession e -> {
                LiveSession s = existingSession(e.sessionId());
                if (!s.checkouts().isEmpty()) {
                    throw new IllegalStateException("session " + e.sessionId() + " still holds " + s.checkouts().keySet());
                }
                removeSession(s.id());
            }
            case Effect.InsertSeat i -> {
                if (seats.containsKey(i.seatId())) {
                    throw new IllegalStateException("seat " + i.seatId() + " already exists");
                }
                String holder = indexes.ofKey(i.pool(), i.seatKey());
                if (holder != null) {
                    // Invariant 2 (one seat per key), checked where the seat is made, whatever the store.
                    throw new IllegalStateException("key " + i.seatKey() + " already holds seat " + holder + " of " + i.pool());
                }
                putSeat(new HeldSeat(i.seatId(), i.pool(), i.seatKey(), i.userId(), i.userName(), i.hostKey(),
                        i.at().toEpochMilli(), null, null, i.charge(), i.limits(), 0, i.grantSession()));
                putTally(i.pool(), tally(i.pool()).plus(+1, i.charge(), i.limits()));
                if (!resident && loadedSeats.add(i.seatId())) {
                    journal(() -> loadedSeats.remove(i.seatId()));
                }
                markSeatSessionsKnown(i.seatId());
            }
            case Effect.AttachCheckout a -> {
                LiveSession s = existingSession(a.sessionId());
                if (s.checkouts().containsKey(a.pool())) {
                    throw new IllegalStateException("session " + a.sessionId() + " already holds a seat of " + a.pool());
                }
                HeldSeat seat = existingSeat(a.seatId());
                putSession(s.withCheckout(a.pool(), a.seatId()));
                putSeat(seat.withAttached(seat.attached() + 1));
                onSeat(a.seatId(), a.sessionId(), true);
            }
            case Effect.EndCheckout e -> {
                LiveSession s = existingSession(e.sessionId());
                if (!e.seatId().equals(s.checkouts().get(e.pool()))) {
                    throw new IllegalStateException("session " + e.sessionId() + " holds no seat " + e.seatId() + " of " + e.pool());
                }
                HeldSeat seat = existingSeat(e.seatId());
                putSession(s.withCheckout(e.pool(), null));
                putSeat(seat.withAttached(seat.attached() - 1));
                onSeat(e.seatId(), e.sessionId(), false);
            }
            case Effect.SetLinger l -> putSeat(existingSeat(l.seatId()).withLinger(l.until() == null ? null : l.until().toEpochMilli()));
            case Effect.SetLoan l -> putSeat(existingSeat(l.seatId()).withLoan(l.until() == null ? null : l.until().toEpochMilli()));
            case Effect.ReleaseSeat r -> {
                HeldSeat seat = existingSeat(r.seatId());
                if (seat.attached() != 0) {
                    throw new IllegalStateException("seat " + r.seatId() + " still has " + seat.attached() + " session(s)");
                }
                removeSeat(seat.id());
                putTally(seat.pool(), tally(seat.pool()).plus(-1, seat.charge(), seat.limits()));
            }
            case Effect.MoveSession m -> putSession(existingSession(m.sessionId()).ownedBy(m.toUserId(), m.toUserName()));
            case Effect.MoveCheckout m -> {
                LiveSession s = existingSession(m.sessionId());
                HeldSeat from = existingSeat(m.fromSeatId());
                HeldSeat to = existingSeat(m.toSeatId());
                putSession(s.withCheckout(m.pool(), m.toSeatId()));
                putSeat(from.withAttached(from.attached() - 1));
                putSeat(to.withAttached(to.attached() + 1));
                onSeat(m.fromSeatId(), m.sessionId(), false);
                onSeat(m.toSeatId(), m.sessionId(), true);
            }
            case Effect.ReassignSeat r -> putSeat(existingSeat(r.seatId()).ownedBy(r.toUserId(), r.toUserName(), r.seatKey()));
            case Effect.RecordEvent ignored -> {
                // history is the store's
            }
        }
    }

    private LiveSession existingSession(String id) {
        return session(id).orElseThrow(() -> new IllegalStateException("session " + id + " does not exist"));
    }

    private HeldSeat existingSeat(String id) {
        return seat(id).orElseThrow(() -> new IllegalStateException("seat " + id + " does not exist"));
    }

    // ---- primitive changes, each journaled ----------------------------------------------------------

    private void journal(Runnable inverse) {
        if (undo != null) {
            undo.push(inverse);
        }
    }

    private static <K, V> void restore(Map<K, V> map, K key, V before) {
        if (before == null) {
            map.remove(key);
        } else {
            map.put(key, before);
        }
    }

    private void putSession(LiveSession s) {
        LiveSession before = sessions.put(s.id(), s);
        journal(() -> restore(sessions, s.id(), before));
    }

    private void removeSession(String id) {
        LiveSession before = sessions.remove(id);
        journal(() -> restore(sessions, id, before));
    }

    private void putTally(PoolKey pool, PoolTally t) {
        PoolTally before = tallies.put(pool, t);
        journal(() -> restore(tallies, pool, before));
    }

    private void putSeat(HeldSeat s) {
        HeldSeat before = seats.put(s.id(), s);
        if (before != null) {
            indexes.remove(before);
        }
        indexes.add(s);
        journal(() -> {
            indexes.remove(s);
            restore(seats, s.id(), before);
            if (before != null) {
                indexes.add(before);
            }
        });
    }

    private void removeSeat(String id) {
        HeldSeat before = seats.remove(id);
        if (before == null) {
            return;
        }
        indexes.remove(before);
        Set<String> on = sessionsOnSeat.remove(id);
        journal(() -> {
            seats.put(id, before);
            indexes.add(before);
            if (on != null) {
                sessionsOnSeat.put(id, on);
            }
        });
    }

    private void markSeatSessionsKnown(String seatId) {
        if (!resident && loadedSeatSessions.add(seatId)) {
            journal(() -> loadedSeatSessions.remove(seatId));
        }
    }

    private void onSeat(String seatId, String sessionId, boolean attach) {
        if (!resident && !loadedSeatSessions.contains(seatId)) {
            return; // the partial book counts this seat's sessions ({@code attached}) without listing them
        }
        Set<String> on = sessionsOnSeat.computeIfAbsent(seatId, k -> ConcurrentHashMap.newKeySet());
        boolean changed = attach ? on.add(sessionId) : on.remove(sessionId);
        if (changed) {
            journal(() -> {
                Set<String> now = sessionsOnSeat.computeIfAbsent(seatId, k -> ConcurrentHashMap.newKeySet());
                if (attach) {
                    now.remove(sessionId);
                } else {
                    now.add(sessionId);
                }
            });
        }
    }

    /** For the console and tests: epoch ms as an instant, null kept. */
    public static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
