package dev.usher.store.seat;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SeatViews;
import dev.usher.core.seat.SessionRecord;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.core.seat.state.SeatBook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The seat views of a lone server, read from its resident book: status, the console and the API
 * read memory, not the database (the history still comes from the database). A view may see a
 * decision whose group is committing.
 */
final class ResidentSeatViews implements SeatViews {

    private static final Comparator<HeldSeat> SEAT_ORDER = Comparator.comparing((HeldSeat s) -> s.pool().product())
            .thenComparing(s -> s.pool().feature()).thenComparingLong(HeldSeat::createdAt).thenComparing(HeldSeat::id);

    private final SeatBook book;
    private final LeaseTable leases;
    private final SqlSeatViews history;

    ResidentSeatViews(SeatBook book, LeaseTable leases, SqlSeatViews history) {
        this.book = book;
        this.leases = leases;
        this.history = history;
    }

    @Override
    public List<SeatRecord> seats() {
        return records(s -> true);
    }

    @Override
    public List<SeatRecord> seatsOnLoan() {
        return records(s -> s.borrowedUntil() != null);
    }

    private List<SeatRecord> records(Predicate<HeldSeat> which) {
        return book.read(() -> book.seats().stream().filter(which).sorted(SEAT_ORDER).map(this::record).toList());
    }

    private SeatRecord record(HeldSeat s) {
        List<SessionRecord> sessions = new ArrayList<>();
        for (String id : book.sessionsOn(s.id())) {
            book.session(id).ifPresent(x -> sessions.add(session(x)));
        }
        sessions.sort(Comparator.comparing(SessionRecord::since).thenComparing(SessionRecord::sessionId));
        return new SeatRecord(s.id(), s.pool(), s.seatKey(), s.userName(), Instant.ofEpochMilli(s.createdAt()),
                SeatBook.instant(s.lingerUntil()), sessions, SeatBook.instant(s.borrowedUntil()));
    }

    private SessionRecord session(LiveSession s) {
        Optional<LeaseTable.Lease> live = leases.get(s.id());
        long hb = Math.max(s.lastHeartbeat(), live.map(l -> l.lastHeartbeat().toEpochMilli()).orElse(0L));
        long exp = Math.max(s.leaseEnd(), live.map(l -> l.expiresAt().toEpochMilli()).orElse(0L));
        return new SessionRecord(s.id(), s.userName(), s.host(), s.client(), Instant.ofEpochMilli(s.createdAt()),
                Instant.ofEpochMilli(hb), Instant.ofEpochMilli(exp));
    }

    @Override
    public List<SessionRecord> sessions() {
        return book.read(() -> book.sessions().stream().map(this::session)
                .sorted(Comparator.comparing(SessionRecord::since).thenComparing(SessionRecord::sessionId)).toList());
    }

    @Override
    public int liveSessions() {
        return book.read(() -> book.sessions().size());
    }

    @Override
    public Map<PoolKey, Integer> inUse() {
        return book.read(() -> {
            Map<PoolKey, Integer> out = new TreeMap<>();
            book.tallies().forEach((pool, t) -> out.put(pool, t.inUse()));
            return out;
        });
    }

    @Override
    public Map<PoolKey, Integer> borrowed(Instant now) {
        return book.read(() -> {
            Map<PoolKey, Integer> out = new TreeMap<>();
            long at = now.toEpochMilli();
            for (PoolKey pool : book.tallies().keySet()) {
                int n = book.loansIn(pool, at).size();
                if (n > 0) {
                    out.put(pool, n);
                }
            }
            return out;
        });
    }

    @Override
    public Optional<SeatLedger.Loan> loan(String seatId, Instant now) {
        return book.read(() -> book.seat(seatId).filter(s -> s.onLoanAt(now.toEpochMilli()))
                .map(s -> new SeatLedger.Loan(s.id(), s.pool(), s.userId(), s.userName(), Instant.ofEpochMilli(s.borrowedUntil()))));
    }

    @Override
    public Optional<Long> sessionOwner(String sessionId) {
        return book.read(() -> book.session(sessionId).map(LiveSession::userId));
    }

    @Override
    public SeatPage page(String search, PoolKey pool, int page, int size) {
        return book.read(() -> pageOf(search, pool, page, size));
    }

    private SeatPage pageOf(String search, PoolKey pool, int page, int size) {
        String q = search == null || search.isBlank() ? null : search.strip().toLowerCase(Locale.ROOT);
        List<HeldSeat> all = new ArrayList<>(book.seats());
        Set<String> pools = new TreeSet<>();
        all.forEach(s -> pools.add(s.pool().toString()));
        List<HeldSeat> matching = all.stream().filter(s -> pool == null || s.pool().equals(pool)).filter(s -> matches(s, q))
                .sorted(SEAT_ORDER).toList();
        int pages = Math.max(1, (matching.size() + size - 1) / size);
        int from = (Math.min(Math.max(1, page), pages) - 1) * size;
        List<SeatRecord> shown = matching.subList(Math.min(from, matching.size()), Math.min(from + size, matching.size()))
                .stream().map(this::record).toList();
        return new SeatPage(shown, matching.size(), all.size(), List.copyOf(pools));
    }

    /** The search of the console: the holder, the seat, and each session's host, id and client, case-insensitive. */
    private boolean matches(HeldSeat s, String q) {
        if (q == null || s.userName().toLowerCase(Locale.ROOT).contains(q) || s.id().contains(q)) {
            return true;
        }
        for (String id : book.sessionsOn(s.id())) {
            Optional<LiveSession> x = book.session(id);
            if (x.isPresent() && (x.get().host().toLowerCase(Locale.ROOT).contains(q) || x.get().id().toLowerCase(Locale.ROOT).contains(q)
                    || (x.get().client() != null && x.get().client().toLowerCase(Locale.ROOT).contains(q)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<SeatEvent> events(int limit) {
        return history.events(limit);
    }

    @Override
    public Activity activity(long afterEventId, Instant since) {
        // Seats and events from the database, read as one moment (memory may hold a decision still committing).
        return history.activity(afterEventId, since);
    }
}
