package dev.usher.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The client side of Usher: checks seats out, keeps them with background heartbeats, takes a lapsed
 * lease again with the same session id, fails over between server URLs and keeps seats valid for a
 * grace period while no server answers. It follows the protocol of docs/CLIENTS.md, runs on Java 11
 * or newer and needs nothing but the JDK.
 *
 * <pre>{@code
 * try (UsherClient usher = UsherClient.builder().servers(URI.create("http://licenses:9780")).product("demo").build();
 *      Seat seat = usher.checkout("cal")) {
 *     ... // use the feature while seat.isValid()
 * } catch (NoSeatsAvailable e) {
 *     showToUser(e.getMessage());
 * }
 * }</pre>
 *
 * <p>When an administrator releases the seat, takes its loan back or disables the account, the next
 * heartbeat says so: {@link SeatListener#seatLost} hears why, and the client does not take a new seat
 * by itself unless {@link Builder#retakeAfterAdministratorRelease} asks it to.
 */
public final class UsherClient implements AutoCloseable {

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);

    private final List<URI> servers;
    private final String product;
    private final Credentials credentials;
    private final String user;
    private final String host;
    private final String clientName;
    private final double jitter;
    private final Duration grace;
    private final Clock clock;
    private final String sessionId;
    private final boolean retakeAfterAdministrator;
    private final List<SeatListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Seat> seats = new ConcurrentHashMap<>();
    private final AtomicInteger current = new AtomicInteger();
    private final HttpClient http;
    private final Duration requestTimeout;
    private final BorrowStore borrows;
    /** The vendor key pinned by the application, or null: then seats are not checked against the license files. */
    private final VendorKey vendorKey;

    private volatile String token;
    private volatile long heartbeatSeconds = 30;
    private volatile Instant lastContact;
    private volatile boolean unreachable;
    private volatile boolean closed;
    private Thread heartbeats;

    private UsherClient(Builder b) {
        if (b.servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server URL is needed");
        }
        this.servers = List.copyOf(b.servers);
        this.product = Objects.requireNonNull(b.product, "product");
        this.credentials = b.credentials;
        this.clientName = b.clientName;
        this.jitter = b.jitter;
        this.grace = b.grace;
        this.clock = b.clock;
        this.requestTimeout = b.requestTimeout;
        this.retakeAfterAdministrator = b.retakeAfterAdministrator;
        this.borrows = new BorrowStore(b.borrowStore != null ? b.borrowStore : BorrowStore.defaultDir());
        this.listeners.addAll(b.listeners);
        this.vendorKey = b.vendorKey;
        String u = b.user;
        String h = b.host;
        if (credentials instanceof Credentials.Open) {
            Credentials.Open o = (Credentials.Open) credentials;
            u = u != null ? u : o.user();
            h = h != null ? h : o.host();
        } else if (credentials instanceof Credentials.Password) {
            u = ((Credentials.Password) credentials).user();
        } else if (credentials instanceof Credentials.Token) {
            token = ((Credentials.Token) credentials).token();
        }
        this.user = u != null ? u : System.getProperty("user.name");
        this.host = h != null ? h : localHostName();
        this.sessionId = b.sessionId != null ? b.sessionId : newSessionId(host);
        this.lastContact = clock.instant();
        this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The session id this client uses for all its checkouts and retries. */
    public String sessionId() {
        return sessionId;
    }

    public String user() {
        return user;
    }

    public String host() {
        return host;
    }

    /** The server URL answering now. */
    public URI currentServer() {
        return servers.get(Math.floorMod(current.get(), servers.size()));
    }

    public void addListener(SeatListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    /**
     * Takes (or keeps) a seat of {@code feature}. Throws {@link NoSeatsAvailable}, {@link NotEntitled},
     * {@link ServerNotLicensed}, {@link Unauthenticated}, {@link UnknownProduct}, or an
     * {@link UsherException} of type {@code server-unreachable} when no server answers.
     */
    public Seat checkout(String feature) {
        return checkout(feature, Wait.NONE);
    }

    /**
     * Like {@link #checkout(String)}, but when every seat is taken the server keeps the request in its
     * first-come first-served line for up to {@code wait}, and answers as soon as a seat is this
     * person's. When the wait ends first, {@link NoSeatsAvailable#queuePosition()} says where they stood.
     */
    public Seat checkout(String feature, Wait wait) {
        if (closed) {
            throw new IllegalStateException("this client is closed");
        }
        Seat seat = seats.get(feature);
        if (seat == null || seat.closed || seat.lost) {
            seat = new Seat(this, product, feature);
        }
        take(seat, wait.duration());
        seats.put(feature, seat);
        startHeartbeats();
        return seat;
    }

    /** The seat of {@code feature} this client holds now (not given back, not lost), if any. */
    public Optional<Seat> seat(String feature) {
        Seat s = seats.get(feature);
        return s == null || s.closed || s.lost ? Optional.empty() : Optional.of(s);
    }

    private void take(Seat seat) {
        take(seat, Duration.ZERO);
    }

    /** PUT the checkout; on success updates the seat, otherwise throws. */
    private void take(Seat seat, Duration wait) {
        Map<String, String> body = new LinkedHashMap<>();
        if (credentials instanceof Credentials.Open) {
            body.put("user", user);
        }
        body.put("host", host);
        body.put("client", clientName);
        long waitSeconds = (wait.toMillis() + 999) / 1000;
        Response r = send("PUT", checkoutPath(seat.feature()) + (waitSeconds > 0 ? "?wait=" + waitSeconds : ""),
                Json.write(body), requestTimeout.plusSeconds(waitSeconds));
        if (r.status() != 200 && r.status() != 201) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        Map<String, Object> m = Json.object(r.body());
        if (vendorKey != null) {
            try {
                vendorKey.check(m, product, seat.feature(), r.status());
            } catch (UntrustedLicense e) {
                giveBack(seat.feature());
                throw e;
            }
        }
        seat.update(m);
        heartbeatSeconds = Math.max(1, Json.number(m, "heartbeatSeconds", heartbeatSeconds));
        seat.markHeld();
    }

    /** Gives a seat back that must not be used; it lapses by itself should the server not answer. */
    private void giveBack(String feature) {
        try {
            send("DELETE", checkoutPath(feature), null);
        } catch (UsherException e) {
            // the lease lapses on its own
        }
    }

    void checkin(Seat seat) {
        seats.remove(seat.feature(), seat);
        if (closed || seat.lost) {
            return; // a lost seat is no longer this session's to give back
        }
        try {
            send("DELETE", checkoutPath(seat.feature()), null);
        } catch (UsherException e) {
            // The lease lapses on its own.
        }
    }

    // ---- borrowing -----------------------------------------------------------------------------

    /**
     * Takes the seat of {@code feature} offline for {@code duration} (checking it out first if needed):
     * the seat stays this person's with no heartbeats until the loan ends. The token is stored (see
     * {@link Builder#borrowStore}) so {@link #borrowed} can prove the loan later with no network.
     *
     * @throws OfflineVerificationUnavailable on Java 11 to 14 (no Ed25519), before asking the server: a loan
     *         that cannot be proven offline would only take a seat from others
     */
    public BorrowToken borrow(String feature, Duration duration) {
        BorrowToken.requireEd25519("Ed25519");
        Seat seat = seats.get(feature);
        if (seat == null || seat.closed || seat.lost) {
            checkout(feature);
        }
        Instant until = clock.instant().plus(duration).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Response r = send("POST", checkoutPath(feature) + "/borrow", Json.write(Map.of("until", until.toString())));
        if (r.status() != 200) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        Map<String, Object> m = Json.object(r.body());
        String key = Json.string(m, "publicKey");
        BorrowToken token = BorrowToken.verify(Json.string(m, "token"), key, clock);
        borrows.save(product, feature, token.text(), key);
        return token;
    }

    /**
     * The stored loan of {@code feature}, if it still proves one now (checked offline).
     *
     * @throws OfflineVerificationUnavailable on Java 11 to 14, which cannot check the token's signature
     */
    public Optional<BorrowToken> borrowed(String feature) {
        try {
            Optional<BorrowStore.Stored> stored = borrows.read(product, feature);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            BorrowToken t = BorrowToken.verify(stored.get().token, stored.get().publicKey, clock);
            return t.product().equals(product) && t.feature().equals(feature) ? Optional.of(t) : Optional.empty();
        } catch (IOException | InvalidBorrowToken e) {
            return Optional.empty();
        }
    }

    /** Gives a borrowed seat back before its date (the server must answer) and forgets the stored token. */
    public void returnBorrow(String feature) {
        String seatId;
        try {
            BorrowStore.Stored stored = borrows.read(product, feature).orElseThrow();
            seatId = BorrowToken.verify(stored.token, stored.publicKey, clock).seatId();
        } catch (OfflineVerificationUnavailable e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UsherException("not-borrowed", 0, "Nothing of " + product + " " + feature + " is borrowed on this computer.");
        }
        Response r = send("DELETE", "/api/v1/borrows/" + BorrowStore.segment(seatId), null);
        if (r.status() != 200 && r.status() != 404) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        borrows.delete(product, feature);
    }

    boolean withinGrace() {
        return !unreachable || clock.instant().isBefore(lastContact.plus(grace));
    }

    /** Gives back every seat, ends the session and stops the heartbeats. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread t;
        synchronized (this) {
            t = heartbeats;
        }
        if (t != null) {
            t.interrupt();
        }
        seats.values().forEach(s -> s.closed = true);
        seats.clear();
        try {
            send("DELETE", "/api/v1/sessions/" + sessionId, null);
        } catch (UsherException e) {
            // Best effort: the server expires the session.
        }
    }

    // ---- heartbeats ----------------------------------------------------------------------------

    private synchronized void startHeartbeats() {
        if (heartbeats == null && !closed) {
            Thread t = new Thread(this::heartbeatLoop, "usher-heartbeat-" + sessionId);
            t.setDaemon(true);
            heartbeats = t;
            t.start();
        }
    }

    private void heartbeatLoop() {
        int failures = 0;
        while (!closed) {
            try {
                Thread.sleep(failures == 0 ? beatDelay() : backoff(failures));
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            if (seats.isEmpty()) {
                failures = 0;
                continue;
            }
            failures = beat() ? 0 : failures + 1;
        }
    }

    /** One heartbeat; false when it should be retried soon (no server gave an answer). */
    private boolean beat() {
        Response r;
        try {
            r = send("POST", "/api/v1/sessions/" + sessionId + "/heartbeat", "");
        } catch (UsherException e) {
            if (e.status() == 0 || e.status() >= 500) {
                checkGrace();
                return false;
            }
            loseAll(SeatLoss.refused(e)); // e.g. signing in again was refused
            return true;
        }
        if (r.status() == 200) {
            Map<String, Object> m = Json.object(r.body());
            heartbeatSeconds = Math.max(1, Json.number(m, "heartbeatSeconds", heartbeatSeconds));
            Instant expires = Seat.parse(Json.string(m, "leaseExpiresAt"), null);
            for (Seat s : seats.values()) {
                s.lease(expires);
            }
            return true;
        }
        if (!definitive(r)) {
            checkGrace();
            return false;
        }
        if (r.status() == 410) {
            Map<String, Object> problem = Json.object(r.body());
            if (SeatLoss.byAdministrator(Json.string(problem, "endedBecause")) && !retakeAfterAdministrator) {
                loseAll(SeatLoss.ended(problem));
                return true;
            }
            return retakeAll();
        }
        loseAll(SeatLoss.refused(UsherException.fromProblem(r.status(), r.body())));
        return true;
    }

    /** After a lapse: the same session id takes its seats again (the server answers "renewed" or gives new ones). */
    private boolean retakeAll() {
        for (Seat s : seats.values()) {
            if (s.closed) {
                continue;
            }
            try {
                take(s);
                fire(l -> l.seatRestored(s));
            } catch (UsherException e) {
                if (e.status() == 0 || e.status() >= 500 && !(e instanceof ServerNotLicensed)) {
                    checkGrace();
                    return false;
                }
                lose(s, SeatLoss.refused(e));
            }
        }
        return true;
    }

    private void loseAll(SeatLoss why) {
        for (Seat s : seats.values()) {
            lose(s, why);
        }
    }

    private void lose(Seat s, SeatLoss why) {
        seats.remove(s.feature(), s);
        if (!s.closed && s.markLost(why)) {
            fire(l -> l.seatLost(s, why));
        }
    }

    private void checkGrace() {
        if (withinGrace()) {
            return;
        }
        SeatLoss why = new SeatLoss(SeatLoss.NO_SERVER_ANSWERED, "No license server has answered since " + lastContact
                + "; the grace period of " + grace.toMinutes() + " minute(s) is over. Check the network connection.", null);
        for (Seat s : seats.values()) {
            lose(s, why);
        }
    }

    private long beatDelay() {
        double f = 1 - jitter * ThreadLocalRandom.current().nextDouble();
        return Math.max(50, (long) (heartbeatSeconds * 1000 * f));
    }

    /** Exponential from 250 ms up to one heartbeat interval, with full jitter (so clients do not return in step). */
    private long backoff(int failures) {
        long max = Math.max(1000, heartbeatSeconds * 1000);
        long d = Math.min(max, MIN_BACKOFF.toMillis() << Math.min(failures - 1, 20));
        return (long) (d * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    }

    private void fire(Consumer<SeatListener> call) {
        for (SeatListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                // A listener's failure must not stop the heartbeats.
            }
        }
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    /** One answer: status and body. */
    static final class Response {
        private final int status;
        private final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }
    }

    /**
     * An answer that decides something. A 5xx is trouble at that server (its database, a proxy before it),
     * so the next server is asked; except {@code server-not-licensed}, which every server would say.
     */
    private static boolean definitive(Response r) {
        if (r.status() < 500) {
            return true;
        }
        String type = Json.string(Json.object(r.body()), "type");
        return type != null && type.endsWith(":server-not-licensed");
    }

    private String checkoutPath(String feature) {
        return "/api/v1/sessions/" + sessionId + "/checkouts/" + BorrowStore.segment(product) + "/" + BorrowStore.segment(feature);
    }

    /** Sends to the current server, failing over to the next ones; throws {@code server-unreachable} if none answers. */
    private Response send(String method, String path, String body) {
        return send(method, path, body, requestTimeout);
    }

    private Response send(String method, String path, String body, Duration timeout) {
        if (credentials instanceof Credentials.Password && token == null && !path.endsWith("/auth/sign-in")) {
            signIn();
        }
        Response r = sendAny(method, path, body, timeout);
        if (r.status() == 401 && credentials instanceof Credentials.Password && !path.endsWith("/auth/sign-in")) {
            signIn(); // the sign-in ended: once more with a fresh one
            r = sendAny(method, path, body, timeout);
        }
        return r;
    }

    private void signIn() {
        Credentials.Password p = (Credentials.Password) credentials;
        token = null;
        Response r = sendAny("POST", "/api/v1/auth/sign-in", Json.write(Map.of("user", p.user(), "password", p.password())), requestTimeout);
        if (r.status() != 200) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        token = Json.string(Json.object(r.body()), "token");
    }

    /**
     * Tries the servers in turn from the one that answered last. Returns the first definitive answer; when
     * every server failed, the last server error (or throws {@code server-unreachable} when none answered).
     */
    private Response sendAny(String method, String path, String body, Duration timeout) {
        int start = current.get();
        List<String> tried = new ArrayList<>();
        Throwable last = null;
        Response lastError = null;
        for (int k = 0; k < servers.size(); k++) {
            int idx = Math.floorMod(start + k, servers.size());
            URI base = servers.get(idx);
            try {
                Response r = sendOne(base, method, path, body, timeout);
                if (definitive(r)) {
                    current.set(idx);
                    lastContact = clock.instant();
                    unreachable = false;
                    return r;
                }
                lastError = r;
                tried.add(base + " (" + r.status() + ")");
                UsherException e = UsherException.fromProblem(r.status(), r.body());
                fire(l -> l.serverUnreachable(base, e));
            } catch (IOException e) {
                last = e;
                tried.add(base.toString());
                fire(l -> l.serverUnreachable(base, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UsherException("interrupted", 0, "The request to the license server was interrupted.", e);
            }
        }
        unreachable = true;
        if (lastError != null) {
            return lastError;
        }
        throw new UsherException("server-unreachable", 0, "No license server answers (tried " + String.join(", ", tried)
                + "). Check your network connection, or tell your administrator.", last);
    }

    private Response sendOne(URI base, String method, String path, String body, Duration timeout) throws IOException, InterruptedException {
        String b = base.toString();
        URI uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            rb.header("Content-Type", "application/json");
        }
        String t = token;
        if (t != null) {
            rb.header("Authorization", "Bearer " + t);
        }
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    // ---- identity ------------------------------------------------------------------------------

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null && !env.isBlank() ? env : "localhost";
        }
    }

    /** {@code host-randomhex}, only {@code [A-Za-z0-9._:-]}, at most 128 characters. */
    static String newSessionId(String host) {
        String h = host == null ? "" : host.replaceAll("[^A-Za-z0-9._:-]", "_");
        if (h.isEmpty()) {
            h = "client";
        }
        if (h.length() > 96) {
            h = h.substring(0, 96);
        }
        byte[] rnd = new byte[8];
        new SecureRandom().nextBytes(rnd);
        StringBuilder hex = new StringBuilder(h).append('-');
        for (byte x : rnd) {
            hex.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return hex.toString();
    }

    /** Builds an {@link UsherClient}. Only {@link #servers} and {@link #product} are required. */
    public static final class Builder {
        private final List<URI> servers = new ArrayList<>();
        private final List<SeatListener> listeners = new ArrayList<>();
        private String product;
        private Credentials credentials = Credentials.open();
        private String user;
        private String host;
        private String clientName = "usher-client";
        private String sessionId;
        private double jitter = 0.1;
        private Duration grace = Duration.ofMinutes(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(15);
        private Clock clock = Clock.systemUTC();
        private Path borrowStore;
        private boolean retakeAfterAdministrator;
        private VendorKey vendorKey;

        private Builder() {}

        /**
         * Pins your vendor key: every seat must then be backed by a license file this key signed for the product and
         * feature, else the checkout gives the seat back and throws {@link UntrustedLicense}. Pass the text of your
         * {@code vendor.pub} file (compile it into the application). Needs Java 15 or newer (Ed25519); on Java 11 to
         * 14 this throws {@link IllegalStateException} saying so.
         */
        public Builder vendorKey(String vendorPub) {
            vendorKey = VendorKey.parse(vendorPub);
            return this;
        }

        /** Where borrow tokens are kept (default {@code ~/.usher/borrows}). */
        public Builder borrowStore(Path dir) {
            borrowStore = Objects.requireNonNull(dir);
            return this;
        }

        /** Server URLs in order of preference (failover goes down the list). */
        public Builder servers(URI... urls) {
            servers.addAll(List.of(urls));
            return this;
        }

        public Builder product(String p) {
            product = p;
            return this;
        }

        /** Open mode: the name to report (default: the operating system's user name). */
        public Builder user(String u) {
            user = u;
            return this;
        }

        /** The host to report (default: this machine's host name). */
        public Builder host(String h) {
            host = h;
            return this;
        }

        /** The application name and version the server shows to administrators. */
        public Builder clientName(String c) {
            clientName = c;
            return this;
        }

        public Builder credentials(Credentials c) {
            credentials = Objects.requireNonNull(c);
            return this;
        }

        /** Session mode: sign in with this name and password. */
        public Builder signIn(String user, String password) {
            return credentials(Credentials.password(user, password));
        }

        /** Session or token mode: send this bearer token. */
        public Builder token(String token) {
            return credentials(Credentials.token(token));
        }

        /** Reuse a session id (e.g. across restarts of the application); by default one is made up. */
        public Builder sessionId(String id) {
            if (!id.matches("[A-Za-z0-9._:-]{1,128}")) {
                throw new IllegalArgumentException("a session id is 1 to 128 of A-Z a-z 0-9 . _ : -");
            }
            sessionId = id;
            return this;
        }

        /** Heartbeats come up to this fraction of the interval early (0..0.5, default 0.1). */
        public Builder heartbeatJitter(double fraction) {
            if (fraction < 0 || fraction > 0.5) {
                throw new IllegalArgumentException("jitter must be between 0 and 0.5");
            }
            jitter = fraction;
            return this;
        }

        /** How long seats stay valid while no server answers (default 10 minutes). */
        public Builder gracePeriod(Duration d) {
            grace = Objects.requireNonNull(d);
            return this;
        }

        public Builder connectTimeout(Duration d) {
            connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder requestTimeout(Duration d) {
            requestTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** The clock the grace period is measured with (tests). */
        public Builder clock(Clock c) {
            clock = Objects.requireNonNull(c);
            return this;
        }

        /**
         * Take a new seat by itself after an administrator released this one, took its loan back or disabled
         * the account (default: no; {@link SeatListener#seatLost} tells the application, which decides). With
         * this on, the client behaves as after a lapse and {@link SeatListener#seatRestored} follows when a
         * seat is free.
         */
        public Builder retakeAfterAdministratorRelease(boolean retake) {
            retakeAfterAdministrator = retake;
            return this;
        }

        public Builder listener(SeatListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        public UsherClient build() {
            return new UsherClient(this);
        }
    }
}
