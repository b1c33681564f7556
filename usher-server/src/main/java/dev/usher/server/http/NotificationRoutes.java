package dev.usher.server.http;

import dev.usher.server.notify.NotificationSettings;
import dev.usher.server.notify.Notifications;
import dev.usher.core.notify.NotificationLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.Map;

/**
 * Notifications: their settings (secrets never shown back), a test message, the delivery log. Every
 * route needs an administrator; settings are checked before anything is stored.
 */
final class NotificationRoutes {

    /** A row of the delivery log as the API shows it (the message itself is left out: its subject says what it was). */
    record DeliveryView(long id, String event, String eventKey, String channel, String target, String subject, Instant createdAt,
                        String status, int attempts, Instant nextAttemptAt, Instant lastAttemptAt, String lastError, Instant sentAt) {
        static DeliveryView of(NotificationLog.Delivery d) {
            return new DeliveryView(d.id(), d.kind(), d.eventKey(), d.channel(), d.target(), d.subject(), d.createdAt(), d.status(),
                    d.attempts(), "pending".equals(d.status()) ? d.nextAttemptAt() : null, d.lastAttemptAt(), d.lastError(), d.sentAt());
        }
    }

    private final Notifications notifications;
    private final RequestAuth auth;

    NotificationRoutes(Notifications notifications, RequestAuth auth) {
        this.notifications = notifications;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/notifications/settings", auth.admin(ctx -> ctx.json(notifications.settings().redacted())));
        r.put("/api/v1/notifications/settings", auth.admin(ctx -> ctx.json(notifications.save(body(ctx)).redacted())));
        r.post("/api/v1/notifications/test", auth.admin(ctx -> {
            // The settings in the body (being edited; secrets left out are the stored ones), or the stored ones.
            NotificationSettings candidate = ctx.bodyAsBytes().length > 2 ? body(ctx) : null;
            var results = notifications.sendTest(candidate);
            ctx.json(Map.of("ok", results.stream().allMatch(Notifications.TestResult::ok), "results", results));
        }));
        r.get("/api/v1/notifications/deliveries", auth.admin(ctx -> {
            String channel = ctx.queryParam("channel");
            if (channel != null && !channel.equals("email") && !channel.equals("webhook")) {
                throw ApiProblem.validation("channel must be email or webhook");
            }
            int limit = IdentityRoutes.intParam(ctx, "limit", 100, 1, 1000);
            ctx.json(notifications.deliveries(channel, limit).stream().map(DeliveryView::of).toList());
        }));
    }

    private static NotificationSettings body(Context ctx) {
        NotificationSettings s = JsonCodec.read(ctx, NotificationSettings.class); // strictly, as every request body
        if (s == null) {
            throw ApiProblem.validation("send the notification settings as a JSON object");
        }
        return s;
    }
}
