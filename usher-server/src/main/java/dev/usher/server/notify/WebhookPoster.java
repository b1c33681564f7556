package dev.usher.server.notify;

import dev.usher.core.notify.WebhookSignature;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * POSTs an alert as JSON to a webhook, signed ({@link WebhookSignature}): any 2xx answer is delivered;
 * anything else (another status, no answer within the time limit, a refused connection) is a failure
 * the notifier tries again later. Redirects are not followed: a signed body goes only where it was sent.
 */
final class WebhookPoster implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String EVENT_HEADER = "Usher-Event";
    static final String DELIVERY_HEADER = "Usher-Delivery";

    /** Built on the first delivery, not with the server: an HttpClient loads TLS classes start-up does not need. */
    private HttpClient http;

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    void post(String url, String secret, byte[] body, String event, long deliveryId, Instant now) {
        long t = now.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Usher")
                .header(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(t))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, t, body))
                .header(EVENT_HEADER, event)
                .header(DELIVERY_HEADER, String.valueOf(deliveryId))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response;
        try {
            response = http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new DeliveryException(url + " did not accept a connection within " + TIMEOUT.toSeconds() + " seconds");
        } catch (HttpTimeoutException e) {
            throw new DeliveryException(url + " did not answer within " + TIMEOUT.toSeconds() + " seconds");
        } catch (ConnectException e) {
            throw new DeliveryException(url + " refused the connection: check the URL and that the receiver runs");
        } catch (IOException e) {
            throw new DeliveryException(url + " could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("stopped while posting to " + url);
        }
        if (response.statusCode() / 100 != 2) {
            String answer = response.body() == null ? "" : response.body().replaceAll("\\s+", " ").strip();
            throw new DeliveryException(url + " answered " + response.statusCode()
                    + (answer.isEmpty() ? "" : ": " + (answer.length() > 200 ? answer.substring(0, 200) + "…" : answer)));
        }
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
    }
}
