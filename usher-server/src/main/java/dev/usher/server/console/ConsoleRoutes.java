package dev.usher.server.console;

import dev.usher.core.license.LicenseDates;
import dev.usher.core.notify.Alert;
import dev.usher.core.notify.ExpiryAlerts;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatViews;
import dev.usher.server.auth.oidc.OidcSignIn;
import dev.usher.server.auth.ldap.DirectoryLink;
import dev.usher.server.auth.Doctor;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.license.LicenseService;
import dev.usher.server.seat.SeatService;
import dev.usher.store.Database;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The admin console: server-rendered pages (JTE, precompiled) with htmx for live parts, on the
 * same server as the API. Every change calls the services the API calls, never the API itself.
 */
public final class ConsoleRoutes {

    /** The dashboard warns about every license with something ending this many days ahead. */
    static final int EXPIRY_BANNER_DAYS = 30;

    /** What the console needs from the rest of the server. */
    public record Parts(SeatService seats, SeatViews views, LicenseService licenses, IdentityService identity,
                        DirectoryLink directory, OidcSignIn oidc, Database db, String version,
                        dev.usher.server.report.UsageReport usage, dev.usher.server.report.AuditRecorder audit,
                        dev.usher.server.auth.HostHistory hostHistory, dev.usher.server.auth.StrayPeople strayPeople,
                        dev.usher.server.notify.Notifications notifications) {}


    private final Parts parts;
    private final Console console;
    private final SeatActivity activity;
    private final Doctor doctor;
    private final DoctorCache doctorCache;
    private final StaticAssets assets = new StaticAssets();

    public ConsoleRoutes(Parts parts) {
        this.parts = parts;
        ZoneId zone = ZoneId.systemDefault();
        Fmt fmt = new Fmt(parts.identity().clock(), zone);
        this.console = new Console(new ConsoleSession(parts.identity()), parts.identity(), fmt, parts.version(), assets.urls());
        this.activity = new SeatActivity(parts.views(), parts.identity().clock(), zone);
        this.doctor = new Doctor(parts.identity().users(), parts.identity().names(), parts.seats(), parts.identity().clock(),
                parts.hostHistory());
        this.doctorCache = new DoctorCache(doctor);
    }

    public void register(RoutesConfig r) {
        assets.register(r);

        new SignInPages(console, parts.oidc()).register(r);
        r.post("/logout", console.action((ctx, a) -> {
            console.session.signOut(ctx, a);
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        }));
        r.get("/", console.page((ctx, a) -> console.render(ctx, "dashboard.jte",
                new Pages.Dashboard(console.shell(a, "Dashboard", "dashboard"), live()))));
        r.get("/dashboard/live", console.page((ctx, a) -> console.render(ctx, "live.jte", live())));

        LicensePages licensePages = new LicensePages(console, parts.licenses(), parts.seats());
        licensePages.register(r);
        new KeyPages(console, parts.licenses(), licensePages).register(r);
        new SeatPages(console, parts.seats(), parts.views()).register(r);
        // Before the people pages: /users/stray is not /users/{id}.
        new PeopleBulkPages(console, parts.identity(), parts.strayPeople(), doctorCache).register(r);
        new PeoplePages(console, parts.identity(), parts.seats(), doctorCache).register(r);
        new DoctorPages(console, parts.identity(), parts.seats(), doctor, doctorCache).register(r);
        new AssignmentPages(console, parts.seats(), parts.identity()).register(r);
        new SettingsPages(console, parts.identity(), parts.directory(), parts.oidc(), parts.seats()).register(r);
        if (parts.notifications() != null) {
            new NotificationPages(console, parts.notifications()).register(r);
        }
        if (parts.usage() != null && parts.audit() != null) {
            new ReportPages(console, parts.usage(), parts.seats(), parts.identity().clock()).register(r);
            new AuditPages(console, parts.audit()).register(r);
        }
    }

    // ---- dashboard -----------------------------------------------------------------------------

    private Pages.Live live() {
        Instant now = parts.identity().clock().instant();
        Fmt fmt = console.fmt;
        Map<PoolKey, SeatActivity.Today> today = activity.today();
        List<Pages.PoolRow> rows = new ArrayList<>();
        List<Pages.Warning> warnings = new ArrayList<>();
        int held = 0;
        java.util.Set<String> productsWarned = new java.util.HashSet<>();
        for (SeatService.PoolView p : parts.seats().pools()) {
            String name = p.key().toString();
            SeatActivity.Today t = today.getOrDefault(p.key(), new SeatActivity.Today(p.inUse(), 0));
            int peak = Math.max(t.peak(), p.inUse());
            int scale = Math.max(1, Math.max(p.capacity(), peak));
            // License dates as the vendor wrote them (--expires 2027-12-31 is "through 2027-12-31"), never shifted to local time.
            String server = !p.serverLicensed() ? "missing" : LicenseDates.phrase(p.serverExpires());
            rows.add(new Pages.PoolRow(p.key().product(), p.key().feature(), p.capacity(), p.inUse(), peak, t.denials(),
                    LicenseDates.validThrough(p.nextExpiry()), fmt.ago(p.nextExpiry()), server,
                    p.inUse() > p.capacity(), p.inUse() * 100 / scale, peak * 100 / scale, p.borrowed(), p.waiting()));
            held += p.inUse();
            String product = p.key().product();
            if (!p.serverLicensed() && productsWarned.add(product)) {
                warnings.add(new Pages.Warning("danger", "Product " + product + " has no valid server entitlement: its pools grant no seats"
                        + " until a license with a server entitlement for this installation is added.", "/licenses", "Licenses"));
            }
            if (p.inUse() > p.capacity()) {
                warnings.add(new Pages.Warning("danger", name + " is over capacity: " + p.inUse() + " seats are held but only "
                        + p.capacity() + " are licensed now (a license was removed or expired). Nobody is cut off; new seats"
                        + " are granted once fewer than " + p.capacity() + " are in use.", "/seats?pool=" + Console.encode(name), "Seats"));
            }
            int reserved = parts.seats().rules(p.key().product(), p.key().feature()).assignments().reservedSeats();
            if (reserved > p.capacity()) {
                warnings.add(new Pages.Warning("warn", name + ": reserves add up to " + reserved + " seats but only " + p.capacity()
                        + " are licensed: they shrink in proportion.", "/assignments#pool-" + name.replaceAll("[^A-Za-z0-9_-]", "_"), "Assignments"));
            }
        }
        // Every license with something ending within 30 days, whatever it is (seats of any pool, a server entitlement).
        for (Alert a : ExpiryAlerts.of(parts.licenses().inventory(), now, List.of(EXPIRY_BANNER_DAYS))) {
            Instant expires = Instant.parse(a.facts().get("expires"));
            boolean soon = expires.isBefore(now.plus(Duration.ofDays(7)));
            warnings.add(new Pages.Warning(soon ? "danger" : "warn", "License '" + a.facts().get("customer") + "': "
                    + a.facts().get("ending") + " end" + " on " + fmt.date(expires) + " (" + fmt.ago(expires) + "). Add the renewal before then.",
                    "/licenses", "Licenses"));
        }
        int duplicates = doctorCache.findings();
        if (duplicates > 0) {
            warnings.add(new Pages.Warning("warn", duplicates + (duplicates == 1 ? " finding" : " findings")
                    + " of the doctor: users that are probably one person, or people holding more than one seat.", "/doctor", "Doctor"));
        }
        return new Pages.Live(rows, warnings, activity.liveSessions(), held, fmt.time(now), fmt.zone());
    }

    /**
     * The doctor's findings, kept for two minutes. The doctor reads every user (about 2 s with 10,000
     * users), so the dashboard never waits for it: it shows the last answer and has a fresh one made
     * in the background. The doctor page waits only when the last answer is too old or was forgotten
     * (after a change to users).
     */
    static final class DoctorCache {
        static final Duration FRESH = Duration.ofMinutes(2);
        private record Answer(List<Doctor.Finding> findings, long atNanos) {}

        private final Doctor doctor;
        private volatile Answer answer;
        private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();

        DoctorCache(Doctor doctor) {
            this.doctor = doctor;
        }

        /** The number of findings last seen (0 before the first answer); refreshes in the background when old. */
        int findings() {
            Answer a = answer;
            if ((a == null || stale(a)) && refreshing.compareAndSet(false, true)) {
                Thread.ofVirtual().name("usher-console-doctor").start(() -> {
                    try {
                        examine();
                    } catch (RuntimeException e) {
                        LoggerFactory.getLogger(ConsoleRoutes.class).warn("doctor failed: {}", e.toString());
                    } finally {
                        refreshing.set(false);
                    }
                });
            }
            return a == null ? 0 : a.findings().size();
        }

        /** Findings at most two minutes old, with when they were made (System.nanoTime). */
        List<Doctor.Finding> current() {
            Answer a = answer;
            return a == null || stale(a) ? examine() : a.findings();
        }

        /** Seconds since the findings {@link #current()} returns were made. */
        long ageSeconds() {
            Answer a = answer;
            return a == null ? 0 : Duration.ofNanos(System.nanoTime() - a.atNanos()).toSeconds();
        }

        List<Doctor.Finding> examine() {
            long t = System.nanoTime();
            List<Doctor.Finding> f = List.copyOf(doctor.examine());
            answer = new Answer(f, t);
            return f;
        }

        void forget() {
            answer = null;
        }

        private static boolean stale(Answer a) {
            return System.nanoTime() - a.atNanos() > FRESH.toNanos();
        }
    }
}
