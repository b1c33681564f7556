package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.usage.UsageEvent;
import dev.usher.core.usage.UsageTimeline;
import dev.usher.core.notify.NotificationLog;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * People refused for want of a seat ({@code no-seats-available} while every seat was in use; a limit
 * rule's refusals are the rule working, see {@link UsageTimeline#forWantOfASeat}). At most one message
 * per pool and quiet period: the alert's key is the pool's, and it stays quiet that long once sent. A
 * message counts every such refusal since the pool's last message, those of the quiet period included.
 * Each node reads the refusals recorded since it started, a few seconds behind the clock so that
 * refusals committing late are still read.
 */
final class RefusalWatch implements Watch {

    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** A message looks back at most this far for the refusals it counts. */
    private static final Duration LOOK_BACK = Duration.ofDays(1);
    private static final int MAX_READ = 10_000;
    private static final int NAMES_SHOWN = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final NotificationLog log;
    private final PoolTermsSource pools;
    private Instant readFrom;

    RefusalWatch(NotificationLog log, PoolTermsSource pools, Instant start) {
        this.log = log;
        this.pools = pools;
        this.readFrom = start;
    }

    @Override
    public AlertKind kind() {
        return AlertKind.SEATS_REFUSED;
    }

    @Override
    public synchronized void skip(Instant now) {
        Instant to = now.minus(SETTLE);
        if (to.isAfter(readFrom)) {
            readFrom = to;
        }
    }

    @Override
    public synchronized List<Alert> check(Instant now, NotificationSettings s) {
        Instant to = now.minus(SETTLE);
        if (!to.isAfter(readFrom)) {
            return List.of();
        }
        Map<PoolKey, List<UsageEvent>> fresh = forWantOfASeat(readFrom, to);
        List<Alert> out = new ArrayList<>();
        for (var e : fresh.entrySet()) {
            String key = key(e.getKey());
            // Since the pool's last message: what the quiet period held back is counted now.
            Instant since = log.lastAnnounced(key).filter(t -> t.isBefore(readFrom)).orElse(readFrom);
            since = since.isBefore(to.minus(LOOK_BACK)) ? to.minus(LOOK_BACK) : since;
            List<UsageEvent> all = since.equals(readFrom) ? e.getValue() : forWantOfASeat(since, to).getOrDefault(e.getKey(), e.getValue());
            out.add(alert(e.getKey(), all, now, Duration.ofMinutes(s.quietMinutes())));
        }
        readFrom = to;
        return out;
    }

    private Map<PoolKey, List<UsageEvent>> forWantOfASeat(Instant from, Instant to) {
        Map<PoolKey, List<UsageEvent>> byPool = new LinkedHashMap<>();
        for (UsageEvent e : log.noSeatRefusals(from, to, MAX_READ)) {
            if (UsageTimeline.forWantOfASeat(e, pools.terms(e.pool(), Instant.ofEpochMilli(e.at())).capacity())) {
                byPool.computeIfAbsent(e.pool(), p -> new ArrayList<>()).add(e);
            }
        }
        return byPool;
    }

    private static String key(PoolKey pool) {
        return "seats-refused:" + pool;
    }

    private Alert alert(PoolKey pool, List<UsageEvent> refusals, Instant now, Duration quiet) {
        LinkedHashSet<String> people = new LinkedHashSet<>();
        for (UsageEvent e : refusals) {
            people.add(e.user() + (e.host() == null ? "" : " (" + e.host() + ")"));
        }
        int capacity = pools.terms(pool, now).capacity();
        List<String> shown = people.stream().limit(NAMES_SHOWN).toList();
        String who = String.join(", ", shown) + (people.size() > shown.size() ? " and " + (people.size() - shown.size()) + " more" : "");
        Instant first = Instant.ofEpochMilli(refusals.getFirst().at());
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("pool", pool.toString());
        facts.put("capacity", String.valueOf(capacity));
        facts.put("refusals", String.valueOf(refusals.size()));
        facts.put("people", String.valueOf(people.size()));
        facts.put("first", first.toString());
        return new Alert(key(pool), AlertKind.SEATS_REFUSED, now,
                people.size() + (people.size() == 1 ? " person was" : " people were") + " refused a seat of " + pool + ": all "
                        + capacity + " seats in use",
                refusals.size() + (refusals.size() == 1 ? " refusal" : " refusals") + " for want of a seat of " + pool + " since "
                        + TIME.format(first) + ", each while every seat was in use (" + capacity + " now). Refused: " + who + ".\n"
                        + "Usher sends at most one such message per pool every " + quiet.toMinutes() + " minutes, counting the refusals"
                        + " in between. The Reports page lists every refusal, and Right-sizing estimates how many seats would have"
                        + " served everyone.",
                facts, quiet);
    }
}
