package dev.usher.server.notify;

import dev.usher.core.notify.NotificationLog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Where messages go under the current settings, and sending one message down one of them. */
final class Channels implements AutoCloseable {

    static final String EMAIL = "email";
    static final String WEBHOOK = "webhook";

    private final WebhookPoster webhooks = new WebhookPoster();

    /** One delivery per channel: the e-mail (to every recipient at once) and each webhook. */
    static List<NotificationLog.Target> targets(NotificationSettings s) {
        List<NotificationLog.Target> out = new ArrayList<>();
        if (s.email() != null) {
            out.add(new NotificationLog.Target(EMAIL, String.join(", ", s.email().to())));
        }
        s.webhooks().forEach(w -> out.add(new NotificationLog.Target(WEBHOOK, w.url())));
        return out;
    }

    /**
     * Sends with the settings of now (a corrected password helps the next retry), to the recipients or URL
     * the delivery was made for.
     *
     * @throws DeliveryException with a sentence when it did not go
     */
    void send(String channel, String target, String payload, long deliveryId, NotificationSettings s, Instant now) {
        AlertMessage m = AlertMessage.fromJson(payload);
        switch (channel) {
            case EMAIL -> {
                if (s.email() == null) {
                    throw new DeliveryException("e-mail is no longer configured", true);
                }
                NotificationSettings.Email e = s.email();
                List<String> to = Arrays.stream(target.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
                Mailer.send(new NotificationSettings.Email(e.host(), e.port(), e.security(), e.username(), e.password(), e.from(), to,
                        e.trustedCertificate()), m.emailSubject(), m.emailBody(), now);
            }
            case WEBHOOK -> {
                NotificationSettings.Webhook hook = s.webhooks().stream().filter(w -> w.url().equals(target)).findFirst()
                        .orElseThrow(() -> new DeliveryException("the webhook " + target + " is no longer configured", true));
                webhooks.post(hook.url(), hook.secret(), payload.getBytes(StandardCharsets.UTF_8), m.event(), deliveryId, now);
            }
            default -> throw new DeliveryException("unknown channel '" + channel + "'", true);
        }
    }

    @Override
    public void close() {
        webhooks.close();
    }
}
