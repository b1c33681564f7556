package dev.usher.server.console;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatViews;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionRecord;
import dev.usher.server.seat.AdminReason;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Seats and sessions: who holds which seat, from where, since when; filter, search, force release. */
final class SeatPages {

    private static final int MAX_REASON = AdminReason.MAX_LENGTH;

    private final Console console;
    private final SeatService seats;
    private final SeatViews browser;

    SeatPages(Console console, SeatService seats, SeatViews browser) {
        this.console = console;
        this.seats = seats;
        this.browser = browser;
    }

    void register(RoutesConfig r) {
        r.get("/seats", console.page(this::list));
        r.get("/seats/{seatId}/release", console.page(this::confirmRelease));
        r.post("/seats/{seatId}/release", console.action(this::release));
        r.get("/seats/{seatId}/take-back", console.page(this::confirmTakeBack));
        r.post("/seats/{seatId}/take-back", console.action(this::takeBack));
    }

    private void list(Context ctx, ConsoleSession.Admin a) {
        String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
        String pool = Optional.ofNullable(ctx.queryParam("pool")).orElse("").strip();
        PoolKey key = null;
        int slash = pool.indexOf('/');
        if (slash > 0) {
            try {
                key = new PoolKey(pool.substring(0, slash), pool.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (!pool.isEmpty() && key == null) {
            key = new PoolKey("-", "-"); // no pool has that name: nothing matches
        }
        int requested = Pager.clamp(ctx.queryParam("page"), Integer.MAX_VALUE / 2, Pager.SIZE);
        SeatViews.SeatPage r = browser.page(q, key, requested, Pager.SIZE);
        String query = (q.isEmpty() ? "" : "q=" + Console.encode(q)) + (pool.isEmpty() ? "" : (q.isEmpty() ? "" : "&") + "pool=" + Console.encode(pool));
        Pager pager = new Pager(Pager.clamp(String.valueOf(requested), r.matching(), Pager.SIZE), Pager.SIZE, r.matching(), "/seats", query);
        List<Pages.SeatRow> rows = r.seats().stream().map(this::row).toList();
        Fmt f = console.fmt;
        List<Pages.LoanRow> loans = seats.seatsOnLoan().stream()
                .sorted(java.util.Comparator.comparing(SeatRecord::borrowedUntil))
                .map(s -> new Pages.LoanRow(s.seatId(), s.pool().toString(), s.user(), f.time(s.borrowedUntil()), f.ago(s.borrowedUntil())))
                .toList();
        List<Pages.WaitRow> waiting = seats.queue().stream().map(w -> new Pages.WaitRow(w.pool().toString(), w.position(), w.user(),
                w.host() == null ? "" : w.host(), f.ago(w.since()), f.time(w.waitsUntil()))).toList();
        console.render(ctx, "seats.jte", new Pages.Seats(console.shell(a, "Seats & sessions", "seats"), rows, q, pool, r.pools(), pager, r.held(),
                loans, waiting));
    }

    private Optional<SeatRecord> find(String seatId) {
        return seats.seatsHeld().stream().filter(s -> s.seatId().equals(seatId)).findFirst();
    }

    private void confirmRelease(Context ctx, ConsoleSession.Admin a) {
        Optional<SeatRecord> seat = find(ctx.pathParam("seatId"));
        if (seat.isEmpty()) {
            console.problem(ctx, a, 404, "Seat not held", "This seat is no longer held: it was released or expired meanwhile.");
            return;
        }
        SeatRecord s = seat.get();
        List<String> details = new ArrayList<>();
        for (SessionRecord x : s.sessions()) {
            details.add("session " + x.sessionId() + " on " + x.host() + (x.client() == null ? "" : " (" + x.client() + ")")
                    + ", last heartbeat " + console.fmt.ago(x.lastHeartbeat()));
        }
        console.render(ctx, "confirm.jte", console.confirm(a, "Force release this seat?",
                "This takes the " + s.pool() + " seat away from " + s.user() + " now and ends "
                        + (s.sessions().size() == 1 ? "its session" : "its " + s.sessions().size() + " sessions")
                        + ". Their application is told at its next heartbeat and may ask for a seat again. The reason is recorded.",
                details, "/seats/" + s.seatId() + "/release", "Release seat", "/seats", true, Map.of()));
    }

    private void release(Context ctx, ConsoleSession.Admin a) {
        String seatId = ctx.pathParam("seatId");
        String reason = Console.trimmed(ctx, "reason");
        if (!AdminReason.acceptable(reason)) {
            askAgainForReason(ctx, a, reason, "Force release this seat?", "/seats/" + seatId + "/release", "Release seat");
            return;
        }
        Optional<SeatRecord> seat = find(seatId);
        Optional<List<String>> ended = seats.forceRelease(seatId, reason, "console, " + a.name());
        console.done(ctx, a, "/seats", ended.isEmpty() ? "That seat was no longer held; nothing changed."
                : "Released the " + seat.map(s -> s.pool() + " seat of " + s.user()).orElse("seat") + " (" + ended.get().size() + " session(s) ended).");
    }

    private void confirmTakeBack(Context ctx, ConsoleSession.Admin a) {
        String seatId = ctx.pathParam("seatId");
        Optional<dev.usher.core.seat.SeatLedger.Loan> loan = seats.loan(seatId);
        if (loan.isEmpty()) {
            console.problem(ctx, a, 404, "Seat not on loan", "This seat is not on loan any more: it was returned or its loan ended.");
            return;
        }
        var l = loan.get();
        console.render(ctx, "confirm.jte", console.confirm(a, "Take back this borrowed seat?",
                "This ends " + l.user() + "'s loan of a " + l.pool() + " seat (lent until " + console.fmt.time(l.until())
                        + ") now, and the seat is free for someone else. An offline copy that holds the loan's token may keep running"
                        + " until then: a token cannot be recalled, only its seat. The reason is recorded.",
                List.of(), "/seats/" + seatId + "/take-back", "Take back seat", "/seats", true, Map.of()));
    }

    private void takeBack(Context ctx, ConsoleSession.Admin a) {
        String seatId = ctx.pathParam("seatId");
        String reason = Console.trimmed(ctx, "reason");
        if (!AdminReason.acceptable(reason)) {
            askAgainForReason(ctx, a, reason, "Take back this borrowed seat?", "/seats/" + seatId + "/take-back", "Take back seat");
            return;
        }
        // The same call as DELETE /api/v1/borrows/{seatId} by an administrator: a forced return.
        var ended = seats.endLoan(seatId, true, reason, "console, " + a.name());
        console.done(ctx, a, "/seats", ended.isEmpty() ? "That seat was not on loan any more; nothing changed."
                : "Took back the " + ended.get().pool() + " seat lent to " + ended.get().user() + ".");
    }

    /** The confirmation again, with what was typed (cut to the limit) and the error next to the field. */
    private void askAgainForReason(Context ctx, ConsoleSession.Admin a, String reason, String title, String action, String button) {
        var page = console.confirm(a, title, "Say why in at most " + MAX_REASON + " printable characters.",
                List.of(), action, button, "/seats", true, Map.of());
        page.form().with("reason", reason.substring(0, Math.min(reason.length(), MAX_REASON)))
                .error("reason", "At most " + MAX_REASON + " characters, without line breaks.");
        ctx.status(422);
        console.render(ctx, "confirm.jte", page);
    }

    private Pages.SeatRow row(SeatRecord s) {
        Fmt f = console.fmt;
        List<Pages.SessionRow> sessions = s.sessions().stream().map(x -> new Pages.SessionRow(x.sessionId(), x.host(),
                x.client() == null ? "" : x.client(), f.time(x.since()), f.time(x.lastHeartbeat()), f.ago(x.lastHeartbeat()),
                f.time(x.leaseExpiresAt()))).toList();
        return new Pages.SeatRow(s.seatId(), s.pool().toString(), s.user(), f.time(s.since()), f.ago(s.since()),
                s.lingerUntil() == null ? null : f.time(s.lingerUntil()), sessions);
    }
}
