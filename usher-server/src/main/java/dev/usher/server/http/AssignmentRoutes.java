package dev.usher.server.http;

import dev.usher.core.identity.User;
import dev.usher.core.seat.SeatLedger;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.seat.PoolCatalog;
import dev.usher.server.seat.RuleSetCodec;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/** A pool's assignment rules (versioned with ETag / If-Match) and "why?" for any person. */
final class AssignmentRoutes {

    record RulesView(String product, String feature, long version, List<RuleSetCodec.RuleJson> rules, int capacity,
                     int reservedSeats, Map<Integer, Integer> effectiveReserves, int sharedSeats, String warning) {}

    private final SeatService seats;
    private final IdentityService identity;
    private final RequestAuth auth;

    AssignmentRoutes(SeatService seats, IdentityService identity, RequestAuth auth) {
        this.seats = seats;
        this.identity = identity;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/pools/{product}/{feature}/rules", auth.admin(this::getRules));
        r.put("/api/v1/pools/{product}/{feature}/rules", auth.admin(this::putRules));
        r.get("/api/v1/explain", auth.admin(this::explain));
    }

    private void getRules(Context ctx) {
        String p = ctx.pathParam("product");
        String f = ctx.pathParam("feature");
        PoolCatalog.Rules rules = seats.rules(p, f);
        int capacity = seats.pools().stream().filter(x -> x.key().product().equals(p) && x.key().feature().equals(f))
                .mapToInt(SeatService.PoolView::capacity).findFirst().orElse(0);
        var a = rules.assignments();
        String warning = a.reservedSeats() > capacity
                ? "reserves add up to " + a.reservedSeats() + " seats but only " + capacity + " are licensed now: they shrink in proportion"
                : null;
        ctx.header("ETag", "\"" + rules.version() + "\"");
        ctx.json(new RulesView(p, f, rules.version(), rules.json().rules(), capacity, a.reservedSeats(), a.effectiveReserves(capacity),
                a.sharedSeats(capacity), warning));
    }

    private void putRules(Context ctx) {
        String p = ctx.pathParam("product");
        String f = ctx.pathParam("feature");
        long current = seats.rules(p, f).version();
        String ifMatch = ctx.header("If-Match");
        if (ifMatch == null && current > 0) {
            throw new ApiProblem(428, "precondition-required", "If-Match required",
                    "these rules were saved before (version " + current + "): send If-Match with the ETag you read, so that"
                            + " nobody's change is overwritten unseen");
        }
        long expected;
        try {
            expected = ifMatch == null ? 0 : Long.parseLong(ifMatch.replace("W/", "").replace("\"", "").strip());
        } catch (NumberFormatException e) {
            throw ApiProblem.validation("If-Match must be the ETag of GET .../rules, e.g. \"3\"");
        }
        var resolved = RuleSetCodec.resolve(RuleSetCodec.checked(JsonCodec.read(ctx, RuleSetCodec.RuleSetJson.class)),
                identity.users(), identity.names());
        long version = seats.saveRules(p, f, resolved, expected);
        if (version < 0) {
            throw new ApiProblem(412, "precondition-failed", "Rules changed meanwhile",
                    "someone saved these rules after you read them (now version " + seats.rules(p, f).version()
                            + "): read them again, then re-apply your change");
        }
        // recorded in the audit trail by SeatService.saveRules, with the actor this request bound
        getRules(ctx);
    }

    private void explain(Context ctx) {
        String name = ctx.queryParam("user");
        String product = ctx.queryParam("product");
        String feature = ctx.queryParam("feature");
        if (name == null || product == null || feature == null) {
            throw ApiProblem.validation("give user, product and feature: /api/v1/explain?user=alice&product=cad&feature=cal");
        }
        User user = identity.users().resolve(identity.names().key(name))
                .orElseThrow(() -> ApiProblem.notFound("no user named '" + name + "' (an unknown name in open mode would become a new user)"));
        SeatLedger.Explanation e = seats.explain(user.id(), product, feature);
        ctx.json(Map.of("user", user.name(), "product", product, "feature", feature, "outcome", e.outcome(), "code", e.code(),
                "detail", e.detail(), "seatId", e.seatId() == null ? "" : e.seatId(), "since", e.since() == null ? "" : e.since().toString()));
    }
}
