package dev.usher.server.seat;

import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What disabling a person does to what they hold: a disabled account takes no new seat (the ledger
 * refuses it), and this ends what it still has. Every seat they hold goes back to the pool with its
 * sessions; a seat on loan stays lent until its date (an administrator may take it back), but their
 * live sessions on it end too. Their applications hear why at the next heartbeat
 * ({@link SessionEndings.Cause#PERSON_DISABLED}).
 */
public final class DisabledAccountSeats {

    /** What was ended: seats returned to their pools, and sessions ended (on those seats and on loans). */
    public record Released(List<String> seatIds, List<String> sessionIds) {}

    private static final String DEFAULT_REASON = "account disabled by an administrator";

    private final SeatService seats;
    private final SessionEndings endings;
    private final Clock clock;

    public DisabledAccountSeats(SeatService seats, SessionEndings endings, Clock clock) {
        this.seats = seats;
        this.endings = endings;
        this.clock = clock;
    }

    /**
     * @param name the person's canonical name, as seats show it
     * @param via  where the request came from (the console notes itself), after the reason
     */
    public Released release(String name, String reason, String via) {
        String why = AdminReason.orElse(reason, DEFAULT_REASON, via);
        String typed = reason == null || reason.isBlank() ? DEFAULT_REASON : reason;
        Instant now = clock.instant();
        List<String> seatIds = new ArrayList<>();
        List<String> sessionIds = new ArrayList<>();
        for (SeatRecord seat : seats.seatsHeld()) {
            if (!seat.user().equals(name)) {
                continue;
            }
            if (seat.borrowedUntil() != null && seat.borrowedUntil().isAfter(now)) {
                for (SessionRecord s : seat.sessions()) {
                    if (seats.endSession(s.sessionId())) {
                        sessionIds.add(s.sessionId());
                    }
                }
            } else {
                // Audited per seat, with the reason, like any force release.
                Optional<List<String>> ended = seats.forceRelease(seat.seatId(), typed, via);
                if (ended.isPresent()) {
                    seatIds.add(seat.seatId());
                    sessionIds.addAll(ended.get());
                }
            }
        }
        endings.record(sessionIds, SessionEndings.Cause.PERSON_DISABLED, why, now);
        return new Released(List.copyOf(seatIds), List.copyOf(sessionIds));
    }
}
