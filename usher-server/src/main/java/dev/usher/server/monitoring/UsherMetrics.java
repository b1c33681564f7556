package dev.usher.server.monitoring;

import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.server.license.LicenseService;
import dev.usher.server.seat.SeatCounters;
import dev.usher.server.seat.SeatService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every number {@code GET /metrics} shows, in one Prometheus registry. Counters are incremented
 * where decisions are made (a map lookup and an add on the request path); everything that is a
 * state rather than an event (pools, licenses, live sessions) is read when Prometheus scrapes, so
 * the request path never maintains it.
 */
public final class UsherMetrics implements SeatCounters, AutoCloseable {

    /** Response-time buckets, in seconds: a checkout is a durable commit (about a millisecond), a heartbeat far less. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** Label sets made of names clients choose are capped, so nobody can grow the registry without bound. */
    private static final int MAX_LABEL_SETS = 2_000;

    private record Denial(PoolKey pool, DenyReason reason) {}

    private record HttpKey(String method, String route, int statusClass) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SeatService seats;
    private final LicenseService licenses;
    private final Clock clock;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private final Map<PoolKey, Counter> grants = new ConcurrentHashMap<>();
    private final Map<Denial, Counter> denials = new ConcurrentHashMap<>();
    private final Map<SeatCounters.Release, Counter> releases = new EnumMap<>(SeatCounters.Release.class);
    private final Counter expiries;
    private final Map<HttpKey, Timer> requests = new ConcurrentHashMap<>();

    private final MultiGauge poolCapacity;
    private final MultiGauge poolInUse;
    private final MultiGauge poolBorrowed;
    private final MultiGauge poolQueue;
    private final MultiGauge licenseExpiry;
    private final MultiGauge serverExpiry;

    public UsherMetrics(SeatService seats, LicenseService licenses, LeaseTable leases, Clock clock) {
        this.seats = seats;
        this.licenses = licenses;
        this.clock = clock;
        // Two binder names that Prometheus' own lint (promtool check metrics) refuses: CPU time in
        // "ns" (replaced by the conventional process_cpu_seconds_total below) and a gauge ending in _count.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
            }
        });
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu.seconds", os, o -> o.getProcessCpuTime() / 1e9)
                    .description("CPU time the server process used").register(registry);
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);

        for (SeatCounters.Release how : SeatCounters.Release.values()) {
            releases.put(how, Counter.builder("usher.seat.releases")
                    .description("Checkouts given back (checkin, session-end, admin) and lingering seats returned (linger-end)")
                    .tag("how", how.code()).register(registry));
        }
        expiries = Counter.builder("usher.seat.expiries")
                .description("Sessions ended because their lease lapsed without a heartbeat").register(registry);
        Gauge.builder("usher.sessions.live", leases, LeaseTable::size)
                .description("Client sessions with a live lease").register(registry);

        poolCapacity = MultiGauge.builder("usher.pool.capacity.seats")
                .description("Seats licensed in the pool now (valid seats entitlements summed)").register(registry);
        poolInUse = MultiGauge.builder("usher.pool.in.use.seats")
                .description("Seats of the pool held now (lingering seats included)").register(registry);
        poolBorrowed = MultiGauge.builder("usher.pool.borrowed.seats")
                .description("Seats of the pool borrowed for offline use").register(registry);
        poolQueue = MultiGauge.builder("usher.pool.queue.length")
                .description("People waiting for a seat of the pool").register(registry);
        licenseExpiry = MultiGauge.builder("usher.license.expiry.timestamp.seconds")
                .description("When a license's seats of a pool expire (Unix time; the earliest part still valid; perpetual ones are not listed)")
                .register(registry);
        serverExpiry = MultiGauge.builder("usher.server.entitlement.expiry.timestamp.seconds")
                .description("When the last valid server entitlement of a product expires (Unix time; perpetual ones are not listed)")
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void granted(PoolKey pool) {
        Counter c = grants.get(pool);
        if (c == null) {
            c = grants.computeIfAbsent(pool, p -> Counter.builder("usher.seat.grants")
                    .description("New seats taken from a pool (checkouts answered 201)")
                    .tag("product", p.product()).tag("feature", p.feature()).register(registry));
        }
        c.increment();
    }

    @Override
    public void denied(PoolKey pool, DenyReason reason) {
        // The names of an unknown pool are whatever the client sent: not a label.
        Denial key = new Denial(reason == DenyReason.UNKNOWN_POOL || denials.size() >= MAX_LABEL_SETS ? null : pool, reason);
        Counter c = denials.get(key);
        if (c == null) {
            c = denials.computeIfAbsent(key, k -> Counter.builder("usher.seat.denials")
                    .description("Checkouts refused, by problem type")
                    .tag("product", k.pool() == null ? "" : k.pool().product())
                    .tag("feature", k.pool() == null ? "" : k.pool().feature())
                    .tag("reason", k.reason().code()).register(registry));
        }
        c.increment();
    }

    @Override
    public void released(SeatCounters.Release how, int count) {
        if (count > 0) {
            releases.get(how).increment(count);
        }
    }

    @Override
    public void expired(int sessions) {
        if (sessions > 0) {
            expiries.increment(sessions);
        }
    }

    /**
     * One answered HTTP request: by route template (never the raw path, which holds session ids),
     * method and status class.
     */
    public void request(String method, String route, int status, long nanos) {
        HttpKey key = new HttpKey(method, route == null || requests.size() >= MAX_LABEL_SETS ? "unmatched" : route, status / 100);
        Timer t = requests.get(key);
        if (t == null) {
            t = requests.computeIfAbsent(key, k -> Timer.builder("usher.http.request.duration")
                    .description("HTTP requests answered, by route template, method and status class")
                    .tag("method", k.method()).tag("route", k.route()).tag("status", k.statusClass() + "xx")
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The Prometheus text exposition, with pool and license numbers read now. */
    public synchronized String scrape() {
        refresh();
        return registry.scrape();
    }

    private void refresh() {
        List<MultiGauge.Row<?>> capacity = new ArrayList<>();
        List<MultiGauge.Row<?>> inUse = new ArrayList<>();
        List<MultiGauge.Row<?>> borrowedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> queueRows = new ArrayList<>();
        for (SeatService.PoolView p : seats.pools()) {
            Tags tags = Tags.of("product", p.key().product(), "feature", p.key().feature());
            capacity.add(MultiGauge.Row.of(tags, p.capacity()));
            inUse.add(MultiGauge.Row.of(tags, p.inUse()));
            borrowedRows.add(MultiGauge.Row.of(tags, p.borrowed()));
            queueRows.add(MultiGauge.Row.of(tags, p.waiting()));
        }
        poolCapacity.register(capacity, true);
        poolInUse.register(inUse, true);
        poolBorrowed.register(borrowedRows, true);
        poolQueue.register(queueRows, true);

        Instant now = clock.instant();
        record LicensePool(String licenseId, String product, String feature) {}
        Map<LicensePool, Instant> seatsExpire = new TreeMap<>(java.util.Comparator.comparing(LicensePool::licenseId)
                .thenComparing(LicensePool::product).thenComparing(LicensePool::feature));
        Map<String, Instant> serverExpires = new TreeMap<>();
        java.util.Set<String> perpetualServer = new java.util.HashSet<>();
        for (InstalledLicense l : licenses.inventory().licenses()) {
            for (Entitlement e : l.payload().entitlements()) {
                if (e.expiredAt(now)) {
                    continue; // what expired shows as lost capacity; the alert is for what is about to
                }
                if (e.kind() == EntitlementKind.SEATS && !e.neverExpires()) {
                    seatsExpire.merge(new LicensePool(l.id().toString(), e.product(), e.feature()), e.expires(),
                            (a, b) -> a.isBefore(b) ? a : b);
                } else if (e.kind() == EntitlementKind.SERVER && !e.startsAfter(now)) {
                    if (e.neverExpires()) {
                        perpetualServer.add(e.product());
                    } else {
                        serverExpires.merge(e.product(), e.expires(), (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
            }
        }
        List<MultiGauge.Row<?>> licenseRows = new ArrayList<>();
        seatsExpire.forEach((k, at) -> licenseRows.add(MultiGauge.Row.of(
                Tags.of("license_id", k.licenseId(), "product", k.product(), "feature", k.feature()), at.getEpochSecond())));
        licenseExpiry.register(licenseRows, true);
        List<MultiGauge.Row<?>> serverRows = new ArrayList<>();
        serverExpires.forEach((product, at) -> {
            if (!perpetualServer.contains(product)) {
                serverRows.add(MultiGauge.Row.of(Tags.of("product", product), at.getEpochSecond()));
            }
        });
        serverExpiry.register(serverRows, true);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
