package dev.usher.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixed cast every model-based run plays with: the people (with their spellings), the roles,
 * the pools, the hosts and the license files a run may add or remove. Model and system under test
 * are both set up from it, so an operation means the same thing to both.
 *
 * <p>Small on purpose (2-5 seats for 5 people) so that full pools, reserves and limits are hit often.
 */
public final class World {

    public static final String PRODUCT = "demo";
    /** The instant every run starts at (the test server's clock starts here too). */
    public static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
    /** The lease TTL of the server under test (its default); heartbeats every third of it. */
    public static final Duration LEASE_TTL = Duration.ofSeconds(120);
    public static final String ALL_USERS = "All Users";

    public record Pool(String product, String feature) {
        @Override
        public String toString() {
            return product + "/" + feature;
        }
    }

    public static final Pool CAL = new Pool(PRODUCT, "cal");
    public static final Pool CAD = new Pool(PRODUCT, "cad");
    public static final List<Pool> POOLS = List.of(CAL, CAD);

    /** A person: canonical name (how the admin created them), aliases added at set-up, ways clients spell them. */
    public record Person(String name, List<String> aliases, List<String> spellings) {
    }

    public static final List<Person> PEOPLE = List.of(
            new Person("alice", List.of("a.smith"), List.of("alice", "Alice", "ALICE", "CORP\\alice", "alice@corp.example",
                    "a.smith", "CORP\\A.Smith", " alice ", "\uFF41\uFF4C\uFF49\uFF43\uFF45")),
            new Person("bob", List.of(), List.of("bob", "Bob", "CORP\\bob", "BOB@corp.example")),
            new Person("carol", List.of(), List.of("carol", "Carol", "CORP\\CAROL", "carol@corp.example")),
            new Person("dave", List.of(), List.of("dave", "DAVE", "corp\\dave", "dave@CORP.example")),
            new Person("erin", List.of(), List.of("erin", "Erin", "CORP\\erin", "erin@corp.example")));

    /** Role name to members (canonical names). "All Users" is built in and holds everyone. */
    public static final Map<String, Set<String>> ROLES = roles();

    /** Host spellings a client may send; they mean the canonical host on the right. */
    public static final Map<String, String> HOSTS = hosts();

    /**
     * A license file of the test vendor: a server entitlement for {@link #PRODUCT} or not, seats per
     * feature, valid from one day before {@link #START} until {@code expires}. Expiry dates sit half a
     * second off the whole-second clock steps so that no step lands exactly on one.
     */
    public record LicenseSpec(String name, boolean server, Map<String, Integer> seats, Instant expires) {
        public Instant starts() {
            return START.minus(Duration.ofDays(1));
        }

        public boolean validAt(Instant t) {
            return !t.isBefore(starts()) && t.isBefore(expires);
        }
    }

    public static final Map<String, LicenseSpec> LICENSES = licenses();
    /** Installed at set-up. */
    public static final List<String> INITIAL_LICENSES = List.of("base");

    private World() {
    }

    private static Map<String, Set<String>> roles() {
        Map<String, Set<String>> r = new LinkedHashMap<>();
        r.put("Engineers", Set.of("alice", "bob"));
        r.put("Contractors", Set.of("carol"));
        r.put("Interns", Set.of("bob", "dave"));
        return r;
    }

    private static Map<String, String> hosts() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ws1", "ws1");
        h.put("WS1.corp.example", "ws1");
        h.put("laptop", "laptop");
        h.put("Laptop.CORP.example", "laptop");
        h.put("ws2", "ws2");
        return h;
    }

    private static Map<String, LicenseSpec> licenses() {
        Instant year = START.plus(Duration.ofDays(365)).plusMillis(500);
        Map<String, LicenseSpec> l = new LinkedHashMap<>();
        l.put("base", new LicenseSpec("base", true, Map.of("cal", 2, "cad", 1), year));
        l.put("extra", new LicenseSpec("extra", false, Map.of("cal", 2), year));
        l.put("trial", new LicenseSpec("trial", false, Map.of("cal", 1, "cad", 1), START.plus(Duration.ofDays(2)).plusMillis(500)));
        l.put("server", new LicenseSpec("server", true, Map.of(), year));
        return l;
    }

    public static boolean inRole(String person, String role) {
        if (role.equals(ALL_USERS)) {
            return true;
        }
        return ROLES.getOrDefault(role, Set.of()).contains(person);
    }

    public static Person person(String canonical) {
        return PEOPLE.stream().filter(p -> p.name().equals(canonical)).findFirst().orElseThrow();
    }

    public static int personIndex(String canonical) {
        for (int i = 0; i < PEOPLE.size(); i++) {
            if (PEOPLE.get(i).name().equals(canonical)) {
                return i;
            }
        }
        return -1;
    }
}
