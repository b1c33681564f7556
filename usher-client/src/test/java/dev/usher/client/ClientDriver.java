package dev.usher.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One client under test, in the words of the conformance scenarios: the Java client called directly, or
 * the Python client through its driver process. Answers are maps: {@code ok} true with the seat's numbers,
 * or false with the problem's {@code type}, {@code status} and {@code message}. Events are strings:
 * {@code "lost CODE|message"}, {@code "restored"}, {@code "unreachable URL"}.
 */
interface ClientDriver extends AutoCloseable {

    /** How the client is set up (the same for both languages). */
    final class Setup {
        final List<String> servers;
        final String product;
        final String user;
        final String host;
        final Duration grace;
        final boolean retake;
        final Duration clockOffset;
        final Path borrowStore;

        Setup(List<String> servers, String product, String user, String host, Duration grace, boolean retake,
              Duration clockOffset, Path borrowStore) {
            this.servers = servers;
            this.product = product;
            this.user = user;
            this.host = host;
            this.grace = grace;
            this.retake = retake;
            this.clockOffset = clockOffset;
            this.borrowStore = borrowStore;
        }
    }

    String language();

    Map<String, Object> checkout(String feature);

    void checkin(String feature);

    /** {@code held}, {@code valid}, {@code seatId}, {@code leaseExpiresAt} of the seat of {@code feature}. */
    Map<String, Object> seat(String feature);

    List<String> events();

    String currentServer();

    Map<String, Object> borrow(String feature, Duration d);

    /** Offline verification, as the application does it with no server: {@code user}, {@code until}, or a refusal. */
    Map<String, Object> verify(String token, String publicKey, Instant at);

    @Override
    void close();

    /** The Java client, in this JVM (Java 17 in the build; the library itself targets 11). */
    final class Java implements ClientDriver {
        private final UsherClient client;
        private final List<String> events = new CopyOnWriteArrayList<>();

        Java(Setup s) {
            List<java.net.URI> urls = new ArrayList<>();
            s.servers.forEach(u -> urls.add(java.net.URI.create(u)));
            client = UsherClient.builder().servers(urls.toArray(new java.net.URI[0])).product(s.product).user(s.user).host(s.host)
                    .gracePeriod(s.grace).retakeAfterAdministratorRelease(s.retake).clientName("conformance-java")
                    .clock(Clock.offset(Clock.systemUTC(), s.clockOffset)).borrowStore(s.borrowStore)
                    .listener(new SeatListener() {
                        @Override
                        public void seatLost(Seat seat, SeatLoss loss) {
                            events.add("lost " + loss.code() + "|" + loss.message());
                        }

                        @Override
                        public void seatRestored(Seat seat) {
                            events.add("restored");
                        }

                        @Override
                        public void serverUnreachable(java.net.URI server, Throwable cause) {
                            events.add("unreachable " + server);
                        }
                    }).build();
        }

        @Override
        public String language() {
            return "java";
        }

        private static Map<String, Object> refused(UsherException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", false);
            m.put("type", e.type());
            m.put("status", (long) e.status());
            m.put("message", e.getMessage());
            if (e instanceof NoSeatsAvailable) {
                m.put("capacity", ((NoSeatsAvailable) e).capacity());
                m.put("inUse", ((NoSeatsAvailable) e).inUse());
            }
            return m;
        }

        @Override
        public Map<String, Object> checkout(String feature) {
            try {
                Seat s = client.checkout(feature);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", true);
                m.put("seatId", s.seatId());
                m.put("user", s.user());
                m.put("sharedWithSessions", (long) s.sharedWithSessions());
                return m;
            } catch (UsherException e) {
                return refused(e);
            }
        }

        private Seat held(String feature) {
            return client.seat(feature).orElse(null);
        }

        @Override
        public void checkin(String feature) {
            Seat s = held(feature);
            if (s != null) {
                s.close();
            }
        }

        @Override
        public Map<String, Object> seat(String feature) {
            Seat s = held(feature);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("held", s != null);
            m.put("valid", s != null && s.isValid());
            if (s != null) {
                m.put("seatId", s.seatId());
                m.put("leaseExpiresAt", String.valueOf(s.leaseExpiresAt()));
            }
            return m;
        }

        @Override
        public List<String> events() {
            return new ArrayList<>(events);
        }

        @Override
        public String currentServer() {
            return client.currentServer().toString();
        }

        @Override
        public Map<String, Object> borrow(String feature, Duration d) {
            try {
                BorrowToken t = client.borrow(feature, d);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", true);
                m.put("token", t.text());
                m.put("user", t.user());
                m.put("until", t.until().toString());
                return m;
            } catch (UsherException e) {
                return refused(e);
            }
        }

        @Override
        public Map<String, Object> verify(String token, String publicKey, Instant at) {
            try {
                BorrowToken t = BorrowToken.verify(token, publicKey, Clock.fixed(at, java.time.ZoneOffset.UTC));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", true);
                m.put("user", t.user());
                m.put("product", t.product());
                m.put("feature", t.feature());
                m.put("until", t.until().toString());
                return m;
            } catch (UsherException e) {
                return refused(e);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** The Python client, through {@code clients/python/tests/conformance_driver.py} under the machine's python3. */
    final class Python implements ClientDriver {
        private final Process process;
        private final Writer in;
        private final BufferedReader out;

        Python(Setup s, Path pythonClientDir, Path logDir) {
            try {
                process = new ProcessBuilder("python3", pythonClientDir.resolve("tests").resolve("conformance_driver.py").toString())
                        .redirectError(logDir.resolve("python-driver-stderr.log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder servers = new StringBuilder("[");
            for (String u : s.servers) {
                if (servers.length() > 1) {
                    servers.append(',');
                }
                Json.quote(servers, u);
            }
            servers.append(']');
            Map<String, Object> opened = call("{\"op\":\"open\",\"servers\":" + servers + ",\"product\":" + q(s.product)
                    + ",\"user\":" + q(s.user) + ",\"host\":" + q(s.host) + ",\"grace\":" + s.grace.toMillis() / 1000.0
                    + ",\"retake\":" + s.retake + ",\"clockOffset\":" + s.clockOffset.toMillis() / 1000.0
                    + ",\"borrowStore\":" + q(s.borrowStore.toString()) + "}");
            if (!Boolean.TRUE.equals(opened.get("ok"))) {
                throw new IllegalStateException("python driver: " + opened);
            }
        }

        private static String q(String s) {
            StringBuilder b = new StringBuilder();
            Json.quote(b, s);
            return b.toString();
        }

        private synchronized Map<String, Object> call(String json) {
            try {
                in.write(json + "\n");
                in.flush();
                String line = out.readLine();
                if (line == null) {
                    throw new IllegalStateException("the python driver ended (see python-driver-stderr.log)");
                }
                Map<String, Object> m = Json.object(line);
                if ("driver-error".equals(m.get("type"))) {
                    throw new IllegalStateException("python driver: " + m.get("message"));
                }
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String language() {
            return "python";
        }

        @Override
        public Map<String, Object> checkout(String feature) {
            return call("{\"op\":\"checkout\",\"feature\":" + q(feature) + "}");
        }

        @Override
        public void checkin(String feature) {
            call("{\"op\":\"checkin\",\"feature\":" + q(feature) + "}");
        }

        @Override
        public Map<String, Object> seat(String feature) {
            return call("{\"op\":\"seat\",\"feature\":" + q(feature) + "}");
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> events() {
            return (List<String>) (List<?>) call("{\"op\":\"events\"}").get("events");
        }

        @Override
        public String currentServer() {
            return Json.string(call("{\"op\":\"currentServer\"}"), "url");
        }

        @Override
        public Map<String, Object> borrow(String feature, Duration d) {
            return call("{\"op\":\"borrow\",\"feature\":" + q(feature) + ",\"seconds\":" + d.getSeconds() + "}");
        }

        @Override
        public Map<String, Object> verify(String token, String publicKey, Instant at) {
            return call("{\"op\":\"verify\",\"token\":" + q(token) + ",\"key\":" + q(publicKey) + ",\"at\":" + q(at.toString()) + "}");
        }

        @Override
        public void close() {
            try {
                call("{\"op\":\"close\"}");
                in.close();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
