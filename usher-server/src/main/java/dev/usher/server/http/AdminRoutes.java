package dev.usher.server.http;

import dev.usher.core.license.LicenseDates;
import dev.usher.core.seat.BorrowPolicy;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionRecord;
import dev.usher.core.seat.SeatViews;
import dev.usher.server.seat.SeatQueue;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Admin API: pools, seats and sessions (licenses: {@link LicenseRoutes}). Every route needs an admin token. */
final class AdminRoutes {

    /** {@code nextExpiryValidThrough}, {@code serverValidThrough}: the same ends as the vendor wrote them (the last valid day). */
    record PoolView(String product, String feature, int capacity, int inUse, int available, int borrowed, int waiting,
                    Instant nextExpiry, Instant nextStart, boolean serverLicensed, Instant serverExpires, String seatKeyPolicy,
                    long lingerSeconds, String warning, String nextExpiryValidThrough, String serverValidThrough) {}

    record PolicyBody(String seatKeyPolicy, Long lingerSeconds, Boolean borrowAllowed, Integer borrowMaxDays, Integer borrowFloor) {}

    record PolicyView(String product, String feature, String seatKeyPolicy, long lingerSeconds, boolean borrowAllowed,
                      int borrowMaxDays, int borrowFloor) {
        static PolicyView of(String product, String feature, PoolSettings s) {
            return new PolicyView(product, feature, s.policy().code(), s.linger().toSeconds(), s.borrow().allowed(),
                    s.borrow().maxDays(), s.borrow().floor());
        }
    }

    record QueueView(String product, String feature, int position, String sessionId, String user, String host,
                     Instant since, Instant waitsUntil) {
        static QueueView of(SeatQueue.Entry e) {
            return new QueueView(e.pool().product(), e.pool().feature(), e.position(), e.sessionId(), e.user(), e.host(),
                    e.since(), e.waitsUntil());
        }
    }

    record SessionView(String sessionId, String user, String host, String client, Instant since, Instant lastHeartbeat,
                       Instant leaseExpiresAt) {
        static SessionView of(SessionRecord s) {
            return new SessionView(s.sessionId(), s.user(), s.host(), s.client(), s.since(), s.lastHeartbeat(), s.leaseExpiresAt());
        }
    }

    record SeatView(String seatId, String product, String feature, String user, Instant since, Instant lingerUntil,
                    Instant borrowedUntil, List<SessionView> sessions) {
        static SeatView of(SeatRecord s) {
            return new SeatView(s.seatId(), s.pool().product(), s.pool().feature(), s.user(), s.since(), s.lingerUntil(),
                    s.borrowedUntil(), s.sessions().stream().map(SessionView::of).toList());
        }
    }

    record ReleaseBody(String user, String product, String feature, String reason) {}

    record ReleaseResponse(List<String> released) {}

    record EventView(Instant at, String type, String product, String feature, String user, String host,
                     String sessionId, String seatId, String reason, String detail) {
        static EventView of(SeatEvent e) {
            return new EventView(e.at(), e.type().code(), e.pool().product(), e.pool().feature(), e.user(), e.host(),
                    e.sessionId(), e.seatId(), e.reason(), e.detail());
        }
    }

    private final SeatService seats;
    private final SeatViews views;
    private final RequestAuth auth;

    AdminRoutes(SeatService seats, SeatViews views, RequestAuth auth) {
        this.seats = seats;
        this.views = views;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/pools", auth.admin(this::listPools));
        r.get("/api/v1/pools/{product}/{feature}/policy", auth.admin(this::getPolicy));
        r.put("/api/v1/pools/{product}/{feature}/policy", auth.admin(this::putPolicy));
        r.get("/api/v1/seats", auth.admin(ctx -> ctx.json(views.seats().stream().map(SeatView::of).toList())));
        r.delete("/api/v1/seats/{seatId}", auth.admin(this::forceRelease));
        r.post("/api/v1/seats/release", auth.admin(this::releaseUser));
        r.get("/api/v1/sessions", auth.admin(ctx -> ctx.json(views.sessions().stream().map(SessionView::of).toList())));
        r.get("/api/v1/events", auth.admin(this::events));
        r.get("/api/v1/borrows", auth.admin(ctx -> ctx.json(views.seatsOnLoan().stream()
                .map(SeatView::of).toList())));
        r.get("/api/v1/queue", auth.admin(ctx -> ctx.json(seats.queue().stream().map(QueueView::of).toList())));
    }

    private void listPools(Context ctx) {
        ctx.json(seats.pools().stream().map(p -> new PoolView(p.key().product(), p.key().feature(), p.capacity(), p.inUse(),
                Math.max(0, p.capacity() - p.inUse()), p.borrowed(), p.waiting(), p.nextExpiry(), p.nextStart(),
                p.serverLicensed(), p.serverExpires(),
                p.settings().policy().code(), p.settings().linger().toSeconds(),
                warning(p), p.nextExpiry() == null ? null : LicenseDates.validThrough(p.nextExpiry()),
                p.serverExpires() == null ? null : LicenseDates.validThrough(p.serverExpires()))).toList());
    }

    /** Why a pool needs the administrator's attention, or null. */
    private String warning(SeatService.PoolView p) {
        java.util.List<String> w = new java.util.ArrayList<>();
        if (p.inUse() > p.capacity()) {
            w.add(p.inUse() + " seats are held but only " + p.capacity() + " are licensed now; nobody is cut off,"
                    + " new seats are granted once fewer than " + p.capacity() + " are in use");
        }
        int reserved = seats.rules(p.key().product(), p.key().feature()).assignments().reservedSeats();
        if (reserved > p.capacity()) {
            w.add("reserves add up to " + reserved + " seats but only " + p.capacity() + " are licensed now: they are shrunk in proportion");
        }
        return w.isEmpty() ? null : String.join("; ", w);
    }

    private void getPolicy(Context ctx) {
        PoolSettings s = seats.settings(ctx.pathParam("product"), ctx.pathParam("feature"));
        ctx.json(PolicyView.of(ctx.pathParam("product"), ctx.pathParam("feature"), s));
    }

    private void putPolicy(Context ctx) {
        PolicyBody body = JsonCodec.read(ctx, PolicyBody.class);
        PoolSettings current = seats.settings(ctx.pathParam("product"), ctx.pathParam("feature"));
        BorrowPolicy b = current.borrow();
        PoolSettings next = new PoolSettings(
                body.seatKeyPolicy() == null ? current.policy() : SeatKeyPolicy.fromCode(body.seatKeyPolicy()),
                body.lingerSeconds() == null ? current.linger() : Duration.ofSeconds(body.lingerSeconds()),
                new BorrowPolicy(body.borrowAllowed() == null ? b.allowed() : body.borrowAllowed(),
                        body.borrowMaxDays() == null ? b.maxDays() : body.borrowMaxDays(),
                        body.borrowFloor() == null ? b.floor() : body.borrowFloor()));
        seats.saveSettings(ctx.pathParam("product"), ctx.pathParam("feature"), next);
        ctx.json(PolicyView.of(ctx.pathParam("product"), ctx.pathParam("feature"), next));
    }

    private void forceRelease(Context ctx) {
        String seatId = ctx.pathParam("seatId");
        seats.forceRelease(seatId, ctx.queryParam("reason"))
                .orElseThrow(() -> ApiProblem.notFound("no seat with id " + seatId + " is held"));
        ctx.status(204);
    }

    private void releaseUser(Context ctx) {
        ReleaseBody body = JsonCodec.read(ctx, ReleaseBody.class);
        if ((body.product() == null) != (body.feature() == null)) {
            throw ApiProblem.validation("give both product and feature, or neither (to release every seat of the user)");
        }
        ctx.json(new ReleaseResponse(seats.releaseUser(body.user(), body.product(), body.feature(), body.reason())));
    }

    private void events(Context ctx) {
        int limit = 100;
        String q = ctx.queryParam("limit");
        if (q != null) {
            try {
                limit = Integer.parseInt(q);
            } catch (NumberFormatException e) {
                throw ApiProblem.validation("limit must be a number between 1 and 10000");
            }
            if (limit < 1 || limit > 10_000) {
                throw ApiProblem.validation("limit must be a number between 1 and 10000");
            }
        }
        ctx.json(views.events(limit).stream().map(EventView::of).toList());
    }
}
