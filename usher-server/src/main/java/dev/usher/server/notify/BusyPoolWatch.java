package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.core.notify.BusyPools;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UsageHistory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Pools at or above the configured share of their seats for the configured minutes, read from the
 * per-minute usage history (the same minutes on every node; see {@link BusyPools}).
 */
final class BusyPoolWatch implements Watch {

    /** The usage recorder closes a minute a few seconds after it ends: look back that much further. */
    private static final Duration RECORDER_LAG = Duration.ofMinutes(2);

    private final UsageHistory usage;

    BusyPoolWatch(UsageHistory usage) {
        this.usage = usage;
    }

    @Override
    public AlertKind kind() {
        return AlertKind.POOL_BUSY;
    }

    @Override
    public List<Alert> check(Instant now, NotificationSettings s) {
        Instant from = now.minus(Duration.ofMinutes(s.busyMinutes())).minus(RECORDER_LAG);
        List<UsageRow> rows = usage.rows(UsageRow.Step.MINUTE, null, null, from.toEpochMilli(), now.toEpochMilli());
        return BusyPools.of(rows, s.busyPercent(), s.busyMinutes(), Duration.ofMinutes(s.quietMinutes()), now);
    }
}
