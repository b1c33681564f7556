package dev.usher.core.seat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The seats, sessions and loans as they are now, and the seat history, for the API and the console. */
public interface SeatViews {

    List<SeatRecord> seats();

    /** The seats out on loan (a borrow not yet returned), with their sessions, as {@link #seats()} lists them. */
    List<SeatRecord> seatsOnLoan();

    List<SessionRecord> sessions();

    /** Sessions open now. */
    int liveSessions();

    /** Seats held per pool right now (lingering seats included). */
    Map<PoolKey, Integer> inUse();

    /** Seats on loan per pool at {@code now}. */
    Map<PoolKey, Integer> borrowed(Instant now);

    /** The loan on a seat, if it is on loan at {@code now}. */
    Optional<SeatLedger.Loan> loan(String seatId, Instant now);

    /** The id of the user a session belongs to. */
    Optional<Long> sessionOwner(String sessionId);

    /** One page of the seats held, searched (user, seat, host, session, client) and filtered by pool. */
    SeatPage page(String search, PoolKey pool, int page, int size);

    /** A page of seats, how many match, how many are held in all, and the pools that have seats ({@code product/feature}). */
    record SeatPage(List<SeatRecord> seats, int matching, int held, List<String> pools) {}

    List<SeatEvent> events(int limit);

    /**
     * The seats held now and the seat events after {@code afterEventId} since {@code since}, newest first,
     * as one moment (the dashboard's "peak today" walks back from now through them).
     */
    Activity activity(long afterEventId, Instant since);

    record Activity(Map<PoolKey, Set<String>> seats, List<EventAt> newestFirst) {}

    /** A seat event by its place in the history. */
    record EventAt(long id, SeatEvent.Type type, PoolKey pool, String seatId) {}
}
