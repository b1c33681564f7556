package dev.usher.server.console;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.seat.SeatEvent;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver, never a downloaded
 * browser), one browser session through an administrator's day: sign in, upload a license, watch
 * seats taken by clients appear without reloading, force-release one, change the authentication
 * mode, sign out. Also writes the screenshots in docs/screenshots that the README shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Path dir;
    private TestServer server;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String base;

    @BeforeAll
    void start() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(installed).as("CI must run the browser tests: apt-get install chromium chromium-driver (.ci/run does)").isTrue();
        }
        Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed: browser tests skipped outside CI");
        dir = Files.createTempDirectory("usher-console-browser");
        server = TestServer.start(dir.resolve("data"));
        base = server.server().localUrl();

        // The driver and the browser are given explicitly, so Selenium Manager never looks for (or downloads) either.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1366,900", "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // htmx swaps the live part under our feet
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    @Order(1)
    void signIn() {
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/login");
        assertNoAxeViolations("/login");
        browser.findElement(By.id("user")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("wrong password");
        navigate(By.cssSelector("button[type=submit]"));
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText()).contains("user name or password is wrong");

        server.clock().advance(Duration.ofMinutes(1)); // past the throttle's delay for that one failure
        browser.findElement(By.id("user")).clear();
        browser.findElement(By.id("user")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD);
        navigate(By.cssSelector("button[type=submit]"));
        wait.until(ExpectedConditions.urlToBe(base + "/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        assertThat(browser.getPageSource()).contains("No pools yet");
        // the session cookie is not readable by scripts
        assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie")).isEqualTo("");
    }

    @Test
    @Order(2)
    void uploadALicenseFileAndSeeCapacity() throws IOException {
        Path file = dir.resolve("acme-cad.lic");
        Files.writeString(file, server.vendor().license(server.now().minus(Duration.ofDays(1))).customer("ACME Engineering")
                .server("cad", server.installationId(), server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(200)))
                .seats("cad", "designer", 10, server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(200)))
                .seats("cad", "viewer", 25, server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(25))).text());
        navigate(By.linkText("Licenses"));
        browser.findElement(By.id("file")).sendKeys(file.toString());
        navigate(By.xpath("//button[text()='Add license']"));
        assertThat(browser.findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("Added the license for ACME Engineering: server cad, 10 cad/designer seats, 25 cad/viewer seats.");
        assertThat(browser.findElement(By.cssSelector("[data-testid=license-status]")).getText()).isEqualTo("valid");
        assertThat(browser.findElement(By.id("installation-id")).getText()).isEqualTo(server.installationId());

        navigate(By.linkText("Dashboard"));
        WebElement designer = pool("cad / designer");
        assertThat(designer.findElement(By.cssSelector("[data-testid=capacity]")).getText()).isEqualTo("10");
        assertThat(designer.findElement(By.cssSelector("[data-testid=in-use]")).getText()).isEqualTo("0");
    }

    @Test
    @Order(3)
    void seatsTakenByClientsAppearWithoutReloading() {
        ((JavascriptExecutor) browser).executeScript("window.usherNotReloaded = true");
        Http client = server.client();
        assertThat(client.checkout("alice-cad-1", "cad", "designer", "alice", "ws-alice").status()).isEqualTo(201);
        assertThat(client.checkout("alice-web-1", "cad", "designer", "CORP\\alice", "laptop-alice").status()).isEqualTo(200);
        assertThat(client.checkout("bob-cad-1", "cad", "designer", "bob", "ws-bob").status()).isEqualTo(201);
        assertThat(client.checkout("carol-cad-1", "cad", "designer", "carol", "ws-carol").status()).isEqualTo(201);
        assertThat(client.checkout("dave-view-1", "cad", "viewer", "dave", "ws-dave").status()).isEqualTo(201);
        wait.until(d -> pool("cad / designer").findElement(By.cssSelector("[data-testid=in-use]")).getText().equals("3"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.usherNotReloaded")).isEqualTo(true);
        wait.until(d -> pool("cad / viewer").findElement(By.cssSelector("[data-testid=in-use]")).getText().equals("1"));
    }

    @Test
    @Order(4)
    void forceReleaseASeatWithAReason() {
        navigate(By.linkText("Seats"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=seat-count]")).getText()).startsWith("4 of 4 seats held");
        assertThat(browser.getPageSource()).contains("laptop-alice", "ws-alice"); // one seat, two sessions
        browser.findElement(By.id("q")).sendKeys("carol");
        navigate(By.xpath("//button[text()='Filter']"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=seat-count]")).getText()).startsWith("1 of 4 seats held");
        navigate(By.cssSelector("a[aria-label='Force release the cad/designer seat of carol']"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Force release this seat?");
        // a keyboard user starts typing the reason at once, not 13 Tabs later
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("reason");
        assertNoAxeViolations("the force release confirmation");
        browser.switchTo().activeElement().sendKeys("stuck after a crash");
        navigate(By.xpath("//button[text()='Release seat']"));
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).isEqualTo("Released the cad/designer seat of carol (1 session(s) ended).");
        // and a screen reader says it: the message goes into the page's status region once the page has settled
        wait.until(d -> d.findElement(By.cssSelector("[role=status][data-testid=announce]")).getAttribute("textContent")
                .equals("Released the cad/designer seat of carol (1 session(s) ended)."));
        assertThat(browser.findElement(By.cssSelector("[data-testid=seat-count]")).getText()).startsWith("3 of 3 seats held");
        assertThat(server.server().views().events(20)).anyMatch(e -> e.type() == SeatEvent.Type.FORCE_RELEASE
                && "stuck after a crash (console, admin)".equals(e.reason()));
    }

    @Test
    @Order(5)
    void screenshotsOfTheMainPages() throws IOException {
        // A little more to look at: a role with rules, a second product without its server entitlement yet.
        Http admin = server.admin();
        admin.post("/api/v1/roles", "{\"name\":\"Engineers\",\"ldapGroup\":\"cn=engineers\"}");
        admin.put("/api/v1/pools/cad/designer/rules", "{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Engineers\",\"seats\":4},"
                + "{\"kind\":\"limit\",\"role\":\"All Users\",\"seats\":8}]}");
        admin.post("/api/v1/licenses", server.vendor().license(server.now()).customer("ACME Engineering")
                .seats("sim", "solver", 5, server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(90))).text());
        server.client().checkout("erin-1", "cad", "designer", "erin", "ERIN-PC");
        server.client().checkout("frank-1", "cad", "designer", "frank", "frank-pc");
        server.client().checkout("frank-2", "cad", "designer", "frank", "frank-pc");
        // a client that reports the machine as the user, on the machine bob works at: the doctor proposes the merge
        server.admin().put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
        for (int i = 0; i < 3; i++) {
            server.client().checkout("bob-desk-" + i, "cad", "viewer", "bob", "DESKTOP-7F3K2");
            server.client().delete("/api/v1/sessions/bob-desk-" + i);
        }
        server.client().checkout("machine-1", "cad", "viewer", "DESKTOP-7F3K2", "DESKTOP-7F3K2");
        server.client().delete("/api/v1/sessions/machine-1");

        Path shots = repositoryRoot().resolve("docs").resolve("screenshots");
        Files.createDirectories(shots);
        for (String[] page : new String[][] {{"/", "dashboard"}, {"/licenses", "licenses"}, {"/seats", "seats"}, {"/users", "users"},
                {"/assignments", "assignments"}, {"/settings", "settings"}, {"/doctor?again=1", "doctor"}}) {
            browser.get(base + page[0]);
            assertThat(browser.findElements(By.tagName("h1"))).isNotEmpty();
            Files.write(shots.resolve(page[1] + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(base + "/");
        Files.write(shots.resolve("dashboard-phone.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        // nothing sticks out sideways at phone width
        assertThat((Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth"))
                .isLessThanOrEqualTo(390L);
        browser.manage().window().setSize(new Dimension(1366, 900));
    }

    @Test
    @Order(6)
    void everyPageHasNoAxeViolationsAndKeyboardUsersSeeWhereTheyAre() {
        for (String page : PAGES) {
            browser.get(base + page);
            assertThat(browser.findElements(By.tagName("h1"))).as(page).isNotEmpty();
            assertNoAxeViolations(page);
        }
        browser.get(base + "/users");
        navigate(By.linkText("frank"));
        assertNoAxeViolations("a user's page");
        browser.get(base + "/doctor");
        navigate(By.linkText("Preview the merge…"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Merge DESKTOP-7F3K2 into bob?");
        assertNoAxeViolations("the merge preview");
        browser.get(base + "/users");
        browser.findElement(By.cssSelector("input[aria-label='Select erin']")).click();
        navigate(By.xpath("//button[text()='Review the change…']"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Disable: 1 person?");
        assertNoAxeViolations("a bulk change's confirmation");

        // The skip link moves focus into the page (not only the scroll position)...
        browser.get(base + "/licenses");
        browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        WebElement skip = browser.switchTo().activeElement();
        assertThat(skip.getText()).isEqualTo("Skip to content");
        // ...and its focus ring stands out from the light page: at least 3:1 against white and the page's background
        String ring = skip.getCssValue("outline-color");
        assertThat(skip.getCssValue("outline-style")).isEqualTo("solid");
        assertThat(contrast(ring, "rgb(255, 255, 255)")).as(ring).isGreaterThanOrEqualTo(3.0);
        assertThat(contrast(ring, browser.findElement(By.tagName("html")).getCssValue("background-color"))).as(ring)
                .isGreaterThanOrEqualTo(3.0);
        skip.sendKeys(Keys.ENTER);
        wait.until(d -> "main".equals(d.switchTo().activeElement().getAttribute("id")));
        // the page's icon is there (no 404 in the browser's console)
        String icon = browser.findElement(By.cssSelector("link[rel=icon]")).getAttribute("href");
        assertThat(server.client().get(icon.substring(base.length())).status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void theReportsPageHasDataInItsFirstMinutes() throws IOException {
        // A new pool, used for eight minutes: the chart is drawn minute by minute from where its history begins.
        Instant start = server.now().minus(Duration.ofDays(1));
        server.admin().post("/api/v1/licenses", server.vendor().license(start).customer("ACME Machining")
                .server("cam", server.installationId(), start, start.plus(Duration.ofDays(365)))
                .seats("cam", "mill", 6, start, start.plus(Duration.ofDays(365))).text());
        int[] wanted = {2, 4, 5, 8, 6, 9, 4, 3};
        Http client = server.client();
        for (int minute = 0; minute < wanted.length; minute++) {
            server.clock().advance(Duration.ofMinutes(1));
            for (int n = 1; n <= 9; n++) {
                String session = "mill-" + n;
                if (n <= wanted[minute]) {
                    client.checkout(session, "cam", "mill", "m%02d".formatted(n), "pc-m" + n); // beyond 6: refused, no seat free
                } else {
                    client.delete("/api/v1/sessions/" + session);
                }
            }
            server.server().usageRecorder().tick();
        }
        server.clock().advance(Duration.ofMinutes(1));
        server.server().usageRecorder().tick();
        browser.get(base + "/reports");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("pool"))).selectByVisibleText("cam/mill");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("period"))).selectByVisibleText("Last hour");
        navigate(By.xpath("//button[text()='Show']"));
        assertThat(browser.findElement(By.cssSelector("svg.chart title")).getAttribute("textContent")).isEqualTo("Seats in use in cam/mill");
        assertThat(browser.findElement(By.cssSelector("details summary")).getText()).endsWith("rows, one per minute)");
        assertThat(browser.findElements(By.cssSelector("svg.chart text.denial-count")).stream().map(e -> e.getAttribute("textContent")).toList())
                .containsExactly("2", "3");
        assertThat(browser.findElement(By.cssSelector("[data-testid=estimate]")).getText()).startsWith("Estimate: you own 6;")
                .contains("9 would have served everyone");
        Path shots = repositoryRoot().resolve("docs").resolve("screenshots");
        Files.write(shots.resolve("reports.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        for (int n = 1; n <= 9; n++) {
            client.delete("/api/v1/sessions/mill-" + n);
        }
    }

    @Test
    @Order(8)
    void reportsAndAuditPages() throws IOException {
        // A day of history in cad/viewer (25 seats, no rules), hour by hour: at some moment of each hour
        // as many people as the profile says hold a seat at once (the hour's peak), and the afternoon
        // asks for more seats than there are
        // (refusals). Sessions end within the minute, so no lease lapses while the (test) clock jumps;
        // the recorder closes the minutes as it moves.
        int[] peakPerHour = {0, 0, 0, 0, 0, 0, 2, 5, 12, 18, 21, 23, 14, 20, 26, 27, 17, 8, 4, 2, 1, 0, 0, 0};
        int hour0 = server.now().atZone(java.time.ZoneOffset.UTC).getHour();
        for (int h = 1; h <= 24; h++) {
            server.clock().advance(Duration.ofMinutes(60));
            List<String> held = new ArrayList<>();
            for (int n = 1; n <= peakPerHour[(hour0 + h) % 24]; n++) {
                String who = "d%02d".formatted(n);
                if (server.client().checkout(who + "-" + h, "cad", "viewer", who, "pc-" + who).status() < 300) {
                    held.add(who + "-" + h);
                }
            }
            server.clock().advance(Duration.ofSeconds(20));
            held.forEach(session -> server.client().delete("/api/v1/sessions/" + session));
            server.server().usageRecorder().tick();
        }
        // A day later the console session has lapsed (idle timeout): sign in again.
        browser.get(base + "/");
        browser.findElement(By.id("user")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD);
        navigate(By.cssSelector("button[type=submit]"));
        Path shots = repositoryRoot().resolve("docs").resolve("screenshots");
        browser.get(base + "/");
        navigate(By.linkText("Reports"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("pool"))).selectByVisibleText("cad/viewer");
        navigate(By.xpath("//button[text()='Show']"));
        assertThat(browser.findElement(By.cssSelector("svg.chart title")).getAttribute("textContent")).isEqualTo("Seats in use in cad/viewer");
        assertThat(browser.findElement(By.cssSelector("[data-testid=estimate]")).getText()).startsWith("Estimate: you own");

        // a day later, everyone of yesterday is a stray of one day
        browser.get(base + "/users/stray?days=1");
        assertThat(browser.findElement(By.cssSelector("[data-testid=stray-count]")).getText()).endsWith("not seen for 1 days:");
        assertNoAxeViolations("/users/stray");
        Files.write(shots.resolve("stray.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        navigate(By.linkText("Audit"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("kind"))).selectByVisibleText("Administrator actions");
        navigate(By.xpath("//button[text()='Filter']"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=audit-table]")).getText()).contains("license-added").doesNotContain("grant");
        navigate(By.xpath("//button[text()='Verify the chain']"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=verify]")).getText()).startsWith("The chain is intact:");
        Files.write(shots.resolve("audit.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        // The day's seat events fill the first pages; the earlier force release is found by its type.
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("kind"))).selectByVisibleText("Everything");
        browser.findElement(By.id("type")).sendKeys("force-release");
        navigate(By.xpath("//button[text()='Filter']"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=audit-table]")).getText()).contains("force-release")
                .doesNotContain("grant");
    }

    @Test
    @Order(9)
    void settingsNotificationsSendATestAndSave() throws IOException {
        try (WebhookReceiver hook = WebhookReceiver.start("browser-secret-0123456789")) {
            browser.get(base + "/settings");
            navigate(By.linkText("Notifications"));
            assertThat(browser.findElement(By.cssSelector("nav.subnav a[aria-current=page]")).getText()).isEqualTo("Notifications");
            browser.findElement(By.id("url0")).sendKeys(hook.url());
            browser.findElement(By.id("secret0")).sendKeys("browser-secret-0123456789");
            // "Send a test" answers in place (htmx), before anything is saved.
            browser.findElement(By.xpath("//button[text()='Send a test']")).click();
            wait.until(d -> d.findElements(By.cssSelector("[data-testid=test-line]")).size() == 1);
            assertThat(browser.findElement(By.cssSelector("[data-testid=test-line]")).getText())
                    .isEqualTo("Webhook to " + hook.url() + ": sent.");
            assertThat(hook.requests()).singleElement().matches(WebhookReceiver.Request::signatureValid);
            navigate(By.xpath("//button[text()='Save notifications']"));
            assertThat(browser.findElement(By.cssSelector(".notice")).getText())
                    .isEqualTo("Saved the notification settings. Send a test to check that messages arrive.");
            assertThat(browser.findElement(By.id("url0")).getAttribute("value")).isEqualTo(hook.url());
            assertThat(browser.findElement(By.id("secret0")).getAttribute("value")).isEmpty();
            assertThat(browser.getPageSource()).doesNotContain("browser-secret-0123456789");
            Files.write(repositoryRoot().resolve("docs").resolve("screenshots").resolve("notifications.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    @Order(10)
    void changeTheAuthenticationMode() {
        browser.get(base + "/settings");
        browser.findElement(By.cssSelector("input[name=mode][value=session]")).click();
        navigate(By.xpath("//button[text()='Save authentication']"));
        assertThat(browser.findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("Authentication mode is now session (was open). Seats held now are not affected.");
        assertThat(server.server().identity().authSettings().mode()).isEqualTo(AuthMode.SESSION);
        assertThat(browser.findElement(By.cssSelector("input[name=mode][value=session]")).isSelected()).isTrue();
    }

    @Test
    @Order(11)
    void signOut() {
        navigate(By.xpath("//button[text()='Sign out']"));
        wait.until(ExpectedConditions.urlToBe(base + "/login"));
        browser.get(base + "/seats");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/login?next=%2Fseats");
    }

    @Test
    @Order(12)
    void signInThroughTheCompanysIdentityProvider() throws IOException {
        // A real OpenID provider on another site (localhost, while Usher is 127.0.0.1), with a login page.
        try (var provider = dev.usher.server.testing.TestIdentityProvider.startInteractive()) {
            server.clock().set(java.time.Instant.now()); // the provider stamps its tokens with the real time
            Http admin = server.admin();
            assertThat(admin.put("/api/v1/settings/oidc", provider.settingsJson("usher-admins")).status()).isEqualTo(200);

            browser.get(base + "/seats");
            assertThat(browser.getCurrentUrl()).isEqualTo(base + "/login?next=%2Fseats");
            WebElement button = browser.findElement(By.id("oidc-sign-in"));
            assertThat(button.getText()).isEqualTo("Sign in with Corp SSO");
            Files.write(repositoryRoot().resolve("docs").resolve("screenshots").resolve("signin.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            navigate(By.id("oidc-sign-in"));
            assertThat(browser.getCurrentUrl()).startsWith(provider.issuer() + "/authorize?");

            // At the provider: the person signs in there (here: types a name and the claims the provider vouches for).
            // (grace: a name no client used in open mode earlier in this class, so the provider's person is a new oidc user)
            browser.findElement(By.name("username")).sendKeys("grace");
            WebElement claims = browser.findElement(By.name("claims"));
            claims.clear();
            claims.sendKeys("{\"preferred_username\": \"grace\", \"name\": \"Grace Admin\", \"groups\": [\"usher-admins\"]}");
            browser.findElement(By.cssSelector("input[type=submit]")).click();

            // Back at Usher, signed in, on the page asked for.
            wait.until(ExpectedConditions.urlToBe(base + "/seats"));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Seats & sessions");
            assertThat(browser.findElement(By.cssSelector(".who")).getText()).isEqualTo("grace");
            assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie")).isEqualTo("");
            var grace = admin.get("/api/v1/users?search=grace").json().get("items").get(0);
            assertThat(grace.get("source").asString()).isEqualTo("oidc");
            assertThat(grace.get("roles").toString()).contains("Administrators");
        }
    }


    /** Every page the navigation leads to. */
    private static final List<String> PAGES = List.of("/", "/licenses", "/seats", "/users", "/users/stray", "/roles", "/doctor",
            "/assignments", "/reports", "/audit", "/settings");

    /**
     * Runs axe-core (Deque's engine, from its Maven artifact) in the page as it is now, and fails with
     * every violation's rule and elements. Injected through WebDriver, so the page's CSP (scripts only
     * from this server) does not stand in its way.
     */
    private void assertNoAxeViolations(String what) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
            js.executeScript(AXE_SOURCE + "\n;window.axe = axe;");
        }
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object found = js.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(function (r) {
                  done(r.violations.map(function (v) {
                    return v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
                  }));
                }).catch(function (e) { done(['axe failed: ' + e]); });""");
        assertThat((List<?>) found).as("axe-core violations on " + what).isEmpty();
    }

    private static final String AXE_SOURCE = axeSource();

    private static String axeSource() {
        try (var in = ConsoleBrowserTest.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js is missing: the com.deque.html.axe-core:selenium test dependency ships it");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** WCAG contrast ratio of two CSS colours given as rgb(...) or rgba(...). */
    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(String css) {
        String[] parts = css.replaceAll("[^0-9.,]", "").split(",");
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Double.parseDouble(parts[i]) / 255;
            c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    /** Clicks a link or button that loads another page, and waits until the old page is gone. */
    private void navigate(By target) {
        // A mark on the old page's window object: gone once another document has loaded. (Waiting for the old
        // <html> element to go stale races with Chrome swapping documents: "Node ... does not belong to the document".)
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.usherOldPage = true;");
        browser.findElement(target).click();
        wait.until(d -> {
            try {
                return Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "return window.usherOldPage === undefined && document.readyState === 'complete';"));
            } catch (org.openqa.selenium.WebDriverException e) {
                return false; // between two documents
            }
        });
    }

    private WebElement pool(String heading) {
        return browser.findElement(By.xpath("//section[contains(@class,'pool')][h2[normalize-space()='" + heading + "']]"));
    }

    /** The repository root, found from the module directory the tests run in. */
    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("usher-server")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
