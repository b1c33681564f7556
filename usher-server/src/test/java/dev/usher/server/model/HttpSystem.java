package dev.usher.server.model;

import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.core.model.Names;
import dev.usher.core.model.ObservedState;
import dev.usher.core.model.ObservedState.PoolRow;
import dev.usher.core.model.ObservedState.SeatRow;
import dev.usher.core.model.ObservedState.SessionRow;
import dev.usher.core.model.Op;
import dev.usher.core.model.Outcome;
import dev.usher.core.model.SystemUnderTest;
import dev.usher.core.model.World;
import dev.usher.core.model.World.LicenseSpec;
import dev.usher.core.model.World.Pool;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Usher server (SQLite, or PostgreSQL under {@code -Dusher.test.db=postgresql}) driven through
 * its HTTP API only, with a clock the test moves, set up as the {@link World} says. The few steps a
 * client cannot take are the test's: moving the clock, running the sweeper once, restarting.
 */
public final class HttpSystem implements SystemUnderTest {

    private final TestServer server;
    /** Every node of the installation: each is asked to sweep (only the one holding the sweeper lock does). */
    private final List<TestServer> nodes;
    private final Map<String, String> licenseTexts = new HashMap<>();
    private final Map<String, String> licenseIds = new HashMap<>();
    private final String name;

    private HttpSystem(TestServer server, List<TestServer> nodes, String name) {
        this.server = server;
        this.nodes = nodes;
        this.name = name;
    }

    /** A new server in {@code dir}, set up as the world says. */
    public static HttpSystem start(Path dir) {
        return setUp(TestServer.start(dir));
    }

    /** Sets up this new server as the world says. */
    public static HttpSystem setUp(TestServer server) {
        HttpSystem system = new HttpSystem(server, List.of(server), "server on " + (server.databaseUrl() == null ? "SQLite" : "PostgreSQL"));
        system.setUp();
        return system;
    }

    /** Talks to {@code node} of the installation {@code first} set up; {@code all} are its nodes (they share one clock). */
    static HttpSystem node(TestServer node, HttpSystem first, List<TestServer> all, String name) {
        HttpSystem n = new HttpSystem(node, all, name);
        n.licenseTexts.putAll(first.licenseTexts);
        n.licenseIds.putAll(first.licenseIds);
        return n;
    }

    public TestServer server() {
        return server;
    }

    private void setUp() {
        if (!server.now().equals(World.START)) {
            throw new IllegalStateException("the test server's clock does not start at " + World.START);
        }
        Http admin = server.admin();
        Map<String, Long> ids = new HashMap<>();
        // Directory users (no local password to hash: argon2id would cost a second per person and per run).
        for (World.Person p : World.PEOPLE) {
            Http.Response r = admin.post("/api/v1/users", "{\"name\":\"" + p.name() + "\",\"source\":\"ldap\"}");
            expect(r, 201);
            ids.put(p.name(), r.json().get("id").asLong());
            for (String alias : p.aliases()) {
                expect(admin.post("/api/v1/users/" + ids.get(p.name()) + "/aliases", "{\"alias\":\"" + alias + "\"}"), 201);
            }
        }
        World.ROLES.forEach((role, members) -> {
            Http.Response r = admin.post("/api/v1/roles", "{\"name\":\"" + role + "\"}");
            expect(r, 201);
            long id = r.json().get("id").asLong();
            for (String m : members) {
                expect(admin.put("/api/v1/roles/" + id + "/members/" + ids.get(m), ""), 200, 204);
            }
        });
        TestVendor vendor = server.vendor();
        for (LicenseSpec spec : World.LICENSES.values()) {
            TestVendor.Builder b = vendor.license(spec.starts()).customer("Model test (" + spec.name() + ")");
            if (spec.server()) {
                b.server(World.PRODUCT, server.installationId(), spec.starts(), spec.expires());
            }
            spec.seats().forEach((feature, n) -> b.seats(World.PRODUCT, feature, n, spec.starts(), spec.expires()));
            LicensePayload payload = b.payload();
            licenseTexts.put(spec.name(), LicenseSigner.sign(payload, vendor.keys().getPrivate()).text());
            licenseIds.put(spec.name(), payload.id().toString());
        }
        for (String f : World.INITIAL_LICENSES) {
            expect(admin.post("/api/v1/licenses", licenseTexts.get(f)), 201);
        }
    }

    private static void expect(Http.Response r, int... statuses) {
        for (int s : statuses) {
            if (r.status() == s) {
                return;
            }
        }
        throw new IllegalStateException("set-up step answered " + r.status() + ": " + r.text());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome apply(Op op) {
        Http client = server.client();
        Http admin = server.admin();
        return switch (op) {
            case Op.Checkout c -> checkout(client.put(checkoutPath(c.session(), c.pool()), c.body()));
            case Op.Checkin c -> plain(client.delete(checkoutPath(c.session(), c.pool())));
            case Op.EndSession e -> plain(client.delete("/api/v1/sessions/" + e.session()));
            case Op.Heartbeat h -> {
                Http.Response r = client.heartbeat(h.session());
                yield r.status() == 200 ? Outcome.heartbeat(Instant.parse(r.json().get("leaseExpiresAt").asString())) : plain(r);
            }
            case Op.Advance a -> {
                server.clock().advance(Duration.ofSeconds(a.seconds()));
                yield Outcome.status(0);
            }
            case Op.Sweep ignored -> {
                for (TestServer n : nodes) {
                    n.server().sweeper().sweep();
                }
                yield Outcome.status(0);
            }
            case Op.SetRules r -> {
                String path = "/api/v1/pools/" + r.pool() + "/rules";
                Http.Response read = admin.get(path);
                if (read.status() != 200) {
                    yield plain(read);
                }
                yield plain(admin.withHeader("If-Match", read.headers().firstValue("ETag").orElse("")).put(path, r.body()));
            }
            case Op.AddLicense a -> plain(admin.post("/api/v1/licenses", licenseTexts.get(a.file())));
            case Op.RemoveLicense r -> plain(admin.delete("/api/v1/licenses/" + licenseIds.get(r.file())));
            case Op.SetPolicy p -> plain(admin.put("/api/v1/pools/" + p.pool() + "/policy", p.body()));
            case Op.Release r -> {
                Http.Response resp = admin.post("/api/v1/seats/release", r.body());
                yield resp.status() == 200 ? Outcome.released(resp.json().get("released").size()) : plain(resp);
            }
            case Op.Borrow b -> {
                Instant until = server.now().plusSeconds(b.seconds());
                Http.Response r = client.post(checkoutPath(b.session(), b.pool()) + "/borrow", "{\"until\":\"" + until + "\"}");
                yield r.status() == 200 ? Outcome.borrowed(r.json().get("seatId").asString(), r.json().get("renewed").asBoolean()) : plain(r);
            }
            case Op.ReturnLoan r -> endLoan(client, r.user(), r.pool(), "");
            case Op.TakeBack t -> endLoan(admin, t.user(), t.pool(), "?reason=model+test");
            case Op.Restart r -> {
                server.restart(Duration.ofSeconds(r.downSeconds()));
                yield Outcome.status(0);
            }
        };
    }

    /** DELETE /borrows/{seatId} for the person's seat of the pool: the one on loan, else any (the server must refuse it). */
    private Outcome endLoan(Http as, String user, Pool pool, String query) {
        String person = Names.person(user);
        String seatId = "no-such-seat";
        for (SeatRow s : observe().seatsOf(pool)) {
            if (s.person().equals(person) && (seatId.equals("no-such-seat") || s.borrowedUntil() != null)) {
                seatId = s.seat();
            }
        }
        Http.Response r = as.delete("/api/v1/borrows/" + URLEncoder.encode(seatId, StandardCharsets.UTF_8) + query);
        return r.status() == 200 ? Outcome.loanEnded(r.json().get("seatId").asString(), r.json().get("outcome").asString()) : plain(r);
    }

    private static String checkoutPath(String session, Pool pool) {
        return "/api/v1/sessions/" + session + "/checkouts/" + pool.product() + "/" + pool.feature();
    }

    private static Outcome checkout(Http.Response r) {
        if (r.status() == 200 || r.status() == 201) {
            JsonNode j = r.json();
            return Outcome.checkout(r.status(), j.get("outcome").asString(), j.get("seatId").asString(), j.get("sharedWithSessions").asInt(),
                    Instant.parse(j.get("leaseExpiresAt").asString()));
        }
        return plain(r);
    }

    /** A status, and for a problem its type, sentence and numbers. */
    private static Outcome plain(Http.Response r) {
        if (r.status() < 400) {
            return Outcome.status(r.status());
        }
        JsonNode j = r.json();
        String type = j == null || j.get("type") == null ? "" : r.problemType();
        String detail = j == null || j.get("detail") == null ? null : j.get("detail").asString();
        if (type.equals("no-seats-available")) {
            return new Outcome(r.status(), type, null, null, intOrNull(j, "capacity"), intOrNull(j, "inUse"), null, null, null, detail);
        }
        return Outcome.problem(r.status(), type, detail);
    }

    private static Integer intOrNull(JsonNode j, String field) {
        JsonNode n = j.get(field);
        return n == null || n.isNull() ? null : n.asInt();
    }

    private static Instant instantOrNull(JsonNode j, String field) {
        JsonNode n = j.get(field);
        return n == null || n.isNull() ? null : Instant.parse(n.asString());
    }

    @Override
    public ObservedState observe() {
        Http admin = server.admin();
        List<PoolRow> pools = new ArrayList<>();
        for (JsonNode p : admin.get("/api/v1/pools").json()) {
            if (p.get("product").asString().equals(World.PRODUCT)) {
                pools.add(new PoolRow(new Pool(World.PRODUCT, p.get("feature").asString()), p.get("capacity").asInt(), p.get("inUse").asInt(),
                        p.get("seatKeyPolicy").asString(), p.get("lingerSeconds").asInt()));
            }
        }
        List<SeatRow> seats = new ArrayList<>();
        for (JsonNode s : admin.get("/api/v1/seats").json()) {
            if (!s.get("product").asString().equals(World.PRODUCT)) {
                continue;
            }
            List<SessionRow> sessions = new ArrayList<>();
            for (JsonNode x : s.get("sessions")) {
                sessions.add(new SessionRow(x.get("sessionId").asString(), x.get("user").asString(),
                        x.get("host") == null || x.get("host").isNull() ? null : x.get("host").asString(), Instant.parse(x.get("leaseExpiresAt").asString())));
            }
            sessions.sort(Comparator.comparing(SessionRow::session));
            seats.add(new SeatRow(s.get("seatId").asString(), new Pool(World.PRODUCT, s.get("feature").asString()), s.get("user").asString(),
                    Instant.parse(s.get("since").asString()), instantOrNull(s, "lingerUntil"), instantOrNull(s, "borrowedUntil"), sessions));
        }
        return new ObservedState(server.now(), pools, seats);
    }

    @Override
    public void close() {
        server.close();
    }
}
