package dev.usher.server.auth;

import dev.usher.core.identity.User;
import dev.usher.core.identity.UserNames;
import dev.usher.core.identity.PeopleHistory;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who took seats on which machine, from the seat events of the last 90 days: the doctor's memory.
 * Live sessions show a machine name used as a user name only while that client runs; the history
 * shows it afterwards too, and names the person who really works on that machine.
 */
public final class HostHistory {

    /** How far back the doctor looks. */
    public static final Duration WINDOW = Duration.ofDays(90);
    /** A person "dominates" a host with at least this many checkouts there... */
    static final long MIN_CHECKOUTS = 3;
    /** ...and at least two thirds of the checkouts of everyone else on it. */
    static final double MIN_SHARE = 2.0 / 3.0;

    /** The person who works on a host: {@code checkouts} of the {@code total} by people other than the machine name. */
    public record Owner(User user, long checkouts, long total) {}

    private final PeopleHistory history;
    private final UserNames names;
    private final Clock clock;

    public HostHistory(PeopleHistory history, UserNames names, Clock clock) {
        this.history = history;
        this.names = names;
        this.clock = clock;
    }

    /** What was seen, read once per examination: host key → user key → checkouts. */
    public Seen read() {
        Map<String, Map<String, Long>> byHost = new HashMap<>();
        for (PeopleHistory.HostUse u : history.hostUse(clock.instant().minus(WINDOW))) {
            String user = key(u.user());
            String host = hostKey(u.host());
            if (user != null && host != null) {
                byHost.computeIfAbsent(host, k -> new HashMap<>()).merge(user, u.checkouts(), Long::sum);
            }
        }
        return new Seen(byHost);
    }

    private static String hostKey(String host) {
        try {
            return UserNames.hostKey(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String key(String name) {
        try {
            return names.key(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One reading of the history. */
    public static final class Seen {
        static final Seen NONE = new Seen(Map.of());
        private final Map<String, Map<String, Long>> byHost;

        Seen(Map<String, Map<String, Long>> byHost) {
            this.byHost = byHost;
        }

        /** Every host key seen in the period. */
        public Set<String> hosts() {
            return byHost.keySet();
        }

        /**
         * The person who dominates {@code host}, not counting the machine-named user itself nor other
         * names that are machine names; {@code users} resolves a user key (name or alias) to its user.
         */
        public Optional<Owner> owner(String host, long machineUserId, Map<String, User> users) {
            Map<Long, Long> perUser = new HashMap<>();
            Map<Long, User> byId = new HashMap<>();
            for (var e : byHost.getOrDefault(host, Map.of()).entrySet()) {
                User u = users.get(e.getKey());
                if (u == null || u.id() == machineUserId || byHost.containsKey(e.getKey())) {
                    continue; // gone, the machine name itself, or another machine name
                }
                perUser.merge(u.id(), e.getValue(), Long::sum);
                byId.put(u.id(), u);
            }
            long total = perUser.values().stream().mapToLong(Long::longValue).sum();
            return perUser.entrySet().stream().max(Comparator.comparingLong(Map.Entry::getValue))
                    .filter(top -> top.getValue() >= MIN_CHECKOUTS && top.getValue() >= MIN_SHARE * total)
                    .map(top -> new Owner(byId.get(top.getKey()), top.getValue(), total));
        }

        /** Everyone seen on {@code host} but the machine name, most checkouts first ("bob 3, carol 2"). */
        public List<String> people(String host, long machineUserId, Map<String, User> users) {
            Map<String, Long> perName = new HashMap<>();
            for (var e : byHost.getOrDefault(host, Map.of()).entrySet()) {
                User u = users.get(e.getKey());
                if (u != null && u.id() != machineUserId && !byHost.containsKey(e.getKey())) {
                    perName.merge(u.name(), e.getValue(), Long::sum);
                }
            }
            return perName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + " " + e.getValue()).toList();
        }
    }
}
