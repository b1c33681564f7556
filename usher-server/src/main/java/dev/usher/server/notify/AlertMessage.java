package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.Map;

/**
 * An alert as it is sent: the JSON body of a webhook (stored with each delivery, so a retry sends the
 * same bytes' content) and the e-mail written from it.
 *
 * @param event the kind's code, e.g. {@code license-expiring}
 * @param key   the event's identity (the same on every node; a receiver can deduplicate on it too)
 */
record AlertMessage(String event, String key, Instant at, String subject, String text, Map<String, String> facts,
                    String installationId, String node, String host) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static AlertMessage of(Alert a, Origin origin) {
        return new AlertMessage(a.kind().code(), a.key(), a.at(), a.subject(), a.text(), a.facts(), origin.installationId(),
                origin.node(), origin.host());
    }

    /** Which server sends: named in every message so that an administrator of several installations knows. */
    record Origin(String installationId, String node, String host) {}

    String toJson() {
        return JSON.writeValueAsString(this);
    }

    static AlertMessage fromJson(String json) {
        try {
            return JSON.readValue(json, AlertMessage.class);
        } catch (JacksonException e) {
            throw new DeliveryException("the stored message cannot be read: " + e.getOriginalMessage(), true);
        }
    }

    String emailSubject() {
        return "[Usher] " + subject;
    }

    String emailBody() {
        return text + "\n\n-- \nUsher on " + host + " (installation " + installationId + ")\nevent " + key + " at " + at + "\n";
    }
}
