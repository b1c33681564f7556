package dev.usher.server.http;

import dev.usher.server.auth.Principal;
import dev.usher.server.auth.StrayPeople;
import dev.usher.core.identity.PeopleHistory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;

/** Stray people over the API: who has not been seen for N days (a preview), and purging them. */
final class StrayRoutes {

    static final int DEFAULT_DAYS = 90;

    record StrayView(long id, String name, String source, Instant createdAt, Instant lastSeenAt) {
        static StrayView of(PeopleHistory.Stray s) {
            return new StrayView(s.id(), s.name(), s.source(), s.createdAt(), s.lastSeenAt());
        }
    }

    record PreviewView(int days, Instant notSeenSince, int total, List<StrayView> people) {}

    /** {@code ids}: only these people of the preview (optional). */
    record PurgeBody(Integer days, List<Long> ids) {}

    private final StrayPeople strays;
    private final RequestAuth auth;

    StrayRoutes(StrayPeople strays, RequestAuth auth) {
        this.strays = strays;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/stray-users", auth.admin(this::preview));
        r.post("/api/v1/stray-users/purge", auth.admin(this::purge));
    }

    private void preview(Context ctx) {
        StrayPeople.Preview p = strays.preview(days(ctx.queryParam("days")));
        ctx.json(new PreviewView(p.days(), p.cutoff(), p.people().size(), p.people().stream().map(StrayView::of).toList()));
    }

    private void purge(Context ctx) {
        PurgeBody b = JsonCodec.read(ctx, PurgeBody.class);
        if (b == null || b.days() == null) {
            throw ApiProblem.validation("send {\"days\": N} (people not seen for N days), optionally with \"ids\" from the preview");
        }
        if (b.ids() != null && b.ids().size() > StrayPeople.MAX) {
            throw ApiProblem.validation("at most " + StrayPeople.MAX + " ids at once");
        }
        String actor = auth.principal(ctx).map(Principal::name).orElse("unknown");
        ctx.json(strays.purge(days(String.valueOf(b.days())), b.ids(), actor, ctx.ip()));
    }

    private int days(String text) {
        if (text == null) {
            return DEFAULT_DAYS;
        }
        try {
            int days = Integer.parseInt(text.strip());
            if (days >= 1 && days <= StrayPeople.MAX_DAYS) {
                return days;
            }
        } catch (NumberFormatException ignored) {
            // the sentence below
        }
        throw ApiProblem.validation("days must be a number of days from 1 to " + StrayPeople.MAX_DAYS);
    }
}
