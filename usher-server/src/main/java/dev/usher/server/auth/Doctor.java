package dev.usher.server.auth;

import dev.usher.core.identity.DuplicateFinder;
import dev.usher.core.identity.LookalikeFinder;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.SeatRecord;
import dev.usher.server.seat.SeatService;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code usher doctor}: finds users that are probably one person, users whose names only look alike
 * (confusable characters), and people holding more than one seat of a pool that counts per person;
 * proposes the commands that fix each, and can apply them (except merging lookalikes, which may be two people).
 * With the seat history ({@link HostHistory}) it also knows the machines seen in the last 90 days,
 * and for a user named like a machine, the person who works there.
 */
public final class Doctor {

    /** Something to fix: what is wrong, and the command that fixes it. */
    public record Finding(String kind, String problem, String fix, List<String> commands) {}

    private final UserDirectory users;
    private final dev.usher.core.identity.UserNames names;
    private final SeatService seats;
    private final Clock clock;
    /** The seat history, or null: then only live sessions name the hosts. */
    private final HostHistory history;

    public Doctor(UserDirectory users, dev.usher.core.identity.UserNames names, SeatService seats, Clock clock) {
        this(users, names, seats, clock, null);
    }

    public Doctor(UserDirectory users, dev.usher.core.identity.UserNames names, SeatService seats, Clock clock, HostHistory history) {
        this.users = users;
        this.names = names;
        this.seats = seats;
        this.clock = clock;
        this.history = history;
    }

    /** The hosts of live sessions and seats, and of the history when there is one. */
    private Set<String> hosts(HostHistory.Seen seen) {
        Set<String> hosts = new HashSet<>(users.knownHosts());
        hosts.addAll(seen.hosts());
        return hosts;
    }

    public List<Finding> examine() {
        List<Finding> out = new ArrayList<>();
        List<User> all = users.list(null, 0, Integer.MAX_VALUE);
        HostHistory.Seen seen = history == null ? HostHistory.Seen.NONE : history.read();
        List<DuplicateFinder.Candidate> candidates = all.stream().map(u -> new DuplicateFinder.Candidate(u.id(), u.name(),
                keyOf(u), u.createdAt())).toList();
        var report = DuplicateFinder.find(candidates, hosts(seen));
        for (var f : report.duplicates()) {
            List<String> cmds = f.duplicates().stream()
                    .map(d -> "usher user merge " + quote(f.into().name()) + " " + quote(d.name())).toList();
            out.add(new Finding("duplicate-user", f.reason(), "merge into '" + f.into().name() + "'", cmds));
        }
        Map<String, User> byKey = report.hostNamedUsers().isEmpty() ? Map.of() : byKey(all);
        for (var h : report.hostNamedUsers()) {
            String machine = h.user().name();
            String problem = "user '" + machine + "' is named like the host '" + h.host()
                    + "': a client reported the machine instead of the person";
            var owner = seen.owner(h.host(), h.user().id(), byKey);
            if (owner.isPresent()) {
                // One person works on that machine: the machine name was them all along.
                String into = owner.get().user().name();
                out.add(new Finding("host-named-user", problem, "merge " + machine + " into " + into + " (seen on that host "
                        + owner.get().checkouts() + " times" + (owner.get().total() > owner.get().checkouts()
                        ? " of " + owner.get().total() : "") + ")", List.of("usher user merge " + quote(into) + " " + quote(machine))));
            } else {
                List<String> people = seen.people(h.host(), h.user().id(), byKey);
                out.add(new Finding("host-named-user", problem, "find out who uses " + h.host()
                        + (people.isEmpty() ? "" : " (seen there: " + String.join(", ", people.subList(0, Math.min(5, people.size()))) + ")")
                        + " and merge this user into theirs, or disable it", List.of("usher user disable " + quote(machine))));
            }
        }
        // Never merged by fix(): names that only look alike may belong to two people.
        for (var l : LookalikeFinder.find(candidates)) {
            out.add(new Finding("lookalike-users", l.reason(),
                    "if they are one person, merge into '" + l.like().name() + "'; if not, leave them (the doctor never merges these itself)",
                    l.others().stream().map(o -> "usher user merge " + quote(l.like().name()) + " " + quote(o.name())).toList()));
        }
        Map<String, List<SeatRecord>> byPersonAndPool = new LinkedHashMap<>();
        for (SeatRecord s : seats.seatsHeld()) {
            if (seats.settings(s.pool().product(), s.pool().feature()).policy() == SeatKeyPolicy.USER) {
                byPersonAndPool.computeIfAbsent(s.user() + "\u0000" + s.pool(), k -> new ArrayList<>()).add(s);
            }
        }
        byPersonAndPool.values().stream().filter(l -> l.size() > 1).forEach(l -> {
            l.sort(Comparator.comparing(SeatRecord::since));
            SeatRecord keep = l.getFirst();
            out.add(new Finding("several-seats", keep.user() + " holds " + l.size() + " seats of " + keep.pool()
                    + ", which counts one seat per person", "release all but the oldest seat (its sessions keep working)",
                    l.subList(1, l.size()).stream().map(s -> "usher release --seat " + s.seatId()).toList()));
        });
        return out;
    }

    /** Applies every proposed merge and releases extra seats; returns what was done, one line each. */
    public List<String> fix(String actor) {
        List<String> done = new ArrayList<>();
        List<User> all = users.list(null, 0, Integer.MAX_VALUE);
        var report = DuplicateFinder.find(all.stream().map(u -> new DuplicateFinder.Candidate(u.id(), u.name(), keyOf(u),
                u.createdAt())).toList(), hosts(history == null ? HostHistory.Seen.NONE : history.read()));
        for (var f : report.duplicates()) {
            for (var d : f.duplicates()) {
                var r = users.merge(f.into().id(), d.id(), clock.instant());
                users.recordAdminEvent(clock.instant(), "user-merged", actor, null, f.into().name(), "merged " + d.name() + " (doctor)");
                done.add("merged '" + d.name() + "' into '" + f.into().name() + "' (" + r.seatsReleased() + " duplicate seat(s) released)");
            }
        }
        for (Finding f : examine()) {
            if (f.kind().equals("several-seats")) {
                for (String cmd : f.commands()) {
                    String seatId = cmd.substring(cmd.lastIndexOf(' ') + 1);
                    seats.forceRelease(seatId, "doctor: one seat per person");
                    done.add("released seat " + seatId);
                }
            }
        }
        return done;
    }

    /** Every spelling of every user (name and aliases, as keys) to the user. */
    private Map<String, User> byKey(List<User> all) {
        Map<String, User> out = new java.util.HashMap<>();
        for (User u : all) {
            out.put(keyOf(u), u);
            for (String alias : u.aliases()) {
                try {
                    out.putIfAbsent(names.key(alias), u);
                } catch (IllegalArgumentException e) {
                    // an alias stored before a rule change: the name still counts
                }
            }
        }
        return out;
    }

    private String keyOf(User u) {
        try {
            return names.key(u.name());
        } catch (IllegalArgumentException e) {
            return u.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9._@-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
