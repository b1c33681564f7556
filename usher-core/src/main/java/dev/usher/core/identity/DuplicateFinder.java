package dev.usher.core.identity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Finds users that are probably one person: the field reports behind Usher are about clients in a
 * "no authentication" mode that report a machine name mixed into the user name ({@code alice-ws1},
 * {@code ws1_alice}, {@code alice (ws1)}, {@code alicews1}) or the machine name instead of the user
 * ({@code ws1}), so one person becomes several users and each takes a seat. A pure function of the
 * user list and the host names seen, so it is tested on seeded data sets.
 */
public final class DuplicateFinder {

    /** Hosts shorter than this are ignored: "pc" inside "epcot" is not evidence of anything. */
    static final int MIN_HOST_LENGTH = 3;
    private static final Pattern SEPARATORS = Pattern.compile("[-_.()\\s]+");

    /** A user as the finder sees it. {@code key} is the normalized name (see {@link UserNames#key}). */
    public record Candidate(long id, String name, String key, java.time.Instant createdAt) {}

    /** Users that are probably the person {@code into}, with the reason for each. */
    public record Finding(Candidate into, List<Candidate> duplicates, String reason) {}

    /** A user whose name is a host name: a client reported the machine instead of the person. */
    public record HostNamedUser(Candidate user, String host) {}

    public record Report(List<Finding> duplicates, List<HostNamedUser> hostNamedUsers) {}

    private DuplicateFinder() {
    }

    public static Report find(List<Candidate> users, Set<String> hostKeys) {
        // A set: every user name is checked against every host, 10,000 users against 5,000 hosts on a big site.
        Set<String> hosts = hostKeys.stream().map(h -> h.toLowerCase(Locale.ROOT))
                .filter(h -> h.length() >= MIN_HOST_LENGTH).collect(java.util.stream.Collectors.toSet());
        List<HostNamedUser> hostNamed = new ArrayList<>();
        // person key -> users whose name reduces to it
        Map<String, List<Candidate>> byPerson = new TreeMap<>();
        Map<Candidate, String> why = new LinkedHashMap<>();
        for (Candidate u : users) {
            if (hosts.contains(u.key())) {
                hostNamed.add(new HostNamedUser(u, u.key()));
                continue;
            }
            String person = personKey(u.key(), hosts);
            byPerson.computeIfAbsent(person, k -> new ArrayList<>()).add(u);
            if (!person.equals(u.key())) {
                why.put(u, "'" + u.name() + "' is '" + person + "' with a host name mixed in");
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (var e : byPerson.entrySet()) {
            List<Candidate> group = e.getValue();
            if (group.size() < 2) {
                continue;
            }
            // Merge into the user spelled exactly as the person if there is one, else the oldest.
            Candidate into = group.stream().filter(c -> c.key().equals(e.getKey())).findFirst()
                    .orElse(group.stream().min(Comparator.comparing(Candidate::createdAt).thenComparingLong(Candidate::id)).orElseThrow());
            List<Candidate> dups = group.stream().filter(c -> c != into).toList();
            String reason = String.join("; ", dups.stream().map(d -> why.getOrDefault(d,
                    "'" + d.name() + "' is the same name as '" + into.name() + "'")).toList());
            findings.add(new Finding(into, dups, reason));
        }
        return new Report(findings, hostNamed);
    }

    /** The name with host-name parts removed: as separated tokens first, then as a prefix or suffix. */
    static String personKey(String key, Set<String> hosts) {
        String[] tokens = SEPARATORS.split(key);
        List<String> kept = new ArrayList<>();
        for (String t : tokens) {
            if (!t.isEmpty() && !hosts.contains(t) && !t.equals("on")) {
                kept.add(t);
            }
        }
        if (!kept.isEmpty() && kept.size() < tokens.length) {
            return String.join(".", kept);
        }
        // The longest host that ends or starts the name, leaving at least two characters of it: looked
        // up by length, so the cost is the name's length, not the number of hosts.
        for (int n = key.length() - 2; n >= MIN_HOST_LENGTH; n--) {
            if (hosts.contains(key.substring(key.length() - n))) {
                return key.substring(0, key.length() - n);
            }
            if (hosts.contains(key.substring(0, n))) {
                return key.substring(n);
            }
        }
        return key;
    }
}
