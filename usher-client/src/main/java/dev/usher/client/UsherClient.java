package dev.usher.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
// This class is the vendors' API and the place where the parts meet; the work is done by package-private
// parts, one per job: Transport (HTTP, failover, sign-in), Checkouts (the seats held and the requests that
// take and give them back, vendor key pinning), Heartbeats (the background thread and the grace period),
// Loans (borrowing) and Listeners (calling the application's SeatListeners).
public final class UsherClient implements AutoCloseable {

    private final String product;
    private final String user;
    private final String host;
    private final String sessionId;
    private final Listeners listeners;
    private final Transport transport;
    private final Checkouts checkouts;
    private final Heartbeats heartbeats;
    private final Loans loans;

    private volatile boolean closed;

    private UsherClient(Builder b) {
        if (b.servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server URL is needed");
        }
        this.product = Objects.requireNonNull(b.product, "product");
        String u = b.user;
        String h = b.host;
        if (b.credentials instanceof Credentials.Open) {
            Credentials.Open o = (Credentials.Open) b.credentials;
            u = u != null ? u : o.user();
            h = h != null ? h : o.host();
        } else if (b.credentials instanceof Credentials.Password) {
            u = ((Credentials.Password) b.credentials).user();
        }
        this.user = u != null ? u : System.getProperty("user.name");
        this.host = h != null ? h : localHostName();
        this.sessionId = b.sessionId != null ? b.sessionId : newSessionId(host);
        this.listeners = new Listeners(b.listeners);
        this.transport = new Transport(b.servers, b.credentials, b.connectTimeout, b.requestTimeout, b.clock, listeners);
        this.checkouts = new Checkouts(transport, listeners, sessionId, product, b.credentials, user, host, b.clientName, b.vendorKey);
        this.heartbeats = new Heartbeats(transport, checkouts, listeners, sessionId, b.jitter, b.grace, b.clock,
                b.retakeAfterAdministrator);
        BorrowStore borrows = new BorrowStore(b.borrowStore != null ? b.borrowStore : BorrowStore.defaultDir());
        this.loans = new Loans(transport, checkouts, borrows, product, b.clock);
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
        return transport.currentServer();
    }

    public void addListener(SeatListener l) {
        listeners.add(l);
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
        Seat seat = checkouts.held(feature).orElseGet(() -> new Seat(this, product, feature));
        checkouts.hold(seat, wait.duration());
        heartbeats.start();
        return seat;
    }

    /** The seat of {@code feature} this client holds now (not given back, not lost), if any. */
    public Optional<Seat> seat(String feature) {
        return checkouts.held(feature);
    }

    void checkin(Seat seat) {
        checkouts.forget(seat);
        if (closed || seat.lost) {
            return; // a lost seat is no longer this session's to give back
        }
        checkouts.giveBack(seat.feature());
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
        if (checkouts.held(feature).isEmpty()) {
            checkout(feature);
        }
        return loans.borrow(feature, duration);
    }

    /**
     * The stored loan of {@code feature}, if it still proves one now (checked offline).
     *
     * @throws OfflineVerificationUnavailable on Java 11 to 14, which cannot check the token's signature
     */
    public Optional<BorrowToken> borrowed(String feature) {
        return loans.borrowed(feature);
    }

    /** Gives a borrowed seat back before its date (the server must answer) and forgets the stored token. */
    public void returnBorrow(String feature) {
        loans.giveBack(feature);
    }

    boolean withinGrace() {
        return heartbeats.withinGrace();
    }

    /** Gives back every seat, ends the session and stops the heartbeats. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeats.stop();
        checkouts.closeAll();
        try {
            transport.send("DELETE", "/api/v1/sessions/" + sessionId, null);
        } catch (UsherException e) {
            // Best effort: the server expires the session.
        }
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
