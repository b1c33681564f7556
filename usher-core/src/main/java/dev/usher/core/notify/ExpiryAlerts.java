package dev.usher.core.notify;

import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.inventory.LicenseInventory;
import dev.usher.core.inventory.PoolSummary;
import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.seat.PoolKey;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Licenses (and so pools) that expire soon, as alerts: one per license, expiry date and threshold
 * crossed. With thresholds 30, 7 and 1 days a license is announced 30 days before it expires, again 7
 * days before and again the day before, however often this is asked. A license added with 20 days
 * left is announced once at the 30-day threshold (the smallest one crossed), not three times.
 */
public final class ExpiryAlerts {

    public static final List<Integer> DEFAULT_DAYS = List.of(30, 7, 1);
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private ExpiryAlerts() {
    }

    /** The threshold (in days) {@code expires} has crossed at {@code now}: the smallest one it is within, if any. */
    static Integer crossed(Instant expires, Instant now, List<Integer> days) {
        if (!now.isBefore(expires)) {
            return null;
        }
        Duration left = Duration.between(now, expires);
        return days.stream().filter(d -> left.compareTo(Duration.ofDays(d)) <= 0).min(Integer::compare).orElse(null);
    }

    public static List<Alert> of(LicenseInventory inventory, Instant now, List<Integer> days) {
        List<Alert> out = new ArrayList<>();
        for (InstalledLicense l : inventory.licenses()) {
            // The license's entitlements that end at the same instant go in one message.
            Map<Instant, List<Entitlement>> byExpiry = new TreeMap<>();
            for (Entitlement e : l.payload().entitlements()) {
                if (e.expires() != null && !e.boundToOtherThan(inventory.installationId()) && crossed(e.expires(), now, days) != null) {
                    byExpiry.computeIfAbsent(e.expires(), x -> new ArrayList<>()).add(e);
                }
            }
            byExpiry.forEach((expires, ending) -> out.add(alert(inventory, l, expires, ending, now, crossed(expires, now, days))));
        }
        return out;
    }

    private static Alert alert(LicenseInventory inventory, InstalledLicense l, Instant expires, List<Entitlement> ending, Instant now,
                               int threshold) {
        Map<PoolKey, Integer> after = new LinkedHashMap<>();
        for (PoolSummary p : inventory.pools(expires)) {
            after.put(p.key(), p.capacity());
        }
        Map<PoolKey, Integer> before = new LinkedHashMap<>();
        for (PoolSummary p : inventory.pools(now)) {
            before.put(p.key(), p.capacity());
        }
        List<String> lines = new ArrayList<>();
        List<String> what = new ArrayList<>();
        TreeSet<String> pools = new TreeSet<>();
        for (Entitlement e : ending) {
            if (e.kind() == EntitlementKind.SERVER) {
                boolean served = inventory.serverLicensed(e.product(), expires);
                lines.add("- the server entitlement of " + e.product() + ": "
                        + (served ? "another license still serves " + e.product() + "." : "after that no pool of " + e.product() + " grants seats."));
                what.add("the server entitlement of " + e.product() + (served ? "" : " (after that no pool of " + e.product() + " grants seats)"));
                pools.add(e.product() + "/server");
            } else {
                what.add(e.seats() + (e.seats() == 1 ? " seat" : " seats") + " of " + e.product() + "/" + e.feature());
                PoolKey key = new PoolKey(e.product(), e.feature());
                lines.add("- " + e.seats() + (e.seats() == 1 ? " seat" : " seats") + " of " + key + ": the pool then has "
                        + after.getOrDefault(key, 0) + " (" + before.getOrDefault(key, 0) + " now).");
                pools.add(key.toString());
            }
        }
        String customer = l.payload().customer();
        String left = left(Duration.between(now, expires));
        String head = ending.size() == 1 && ending.getFirst().kind() == EntitlementKind.SEATS ? what.getFirst() : "License '" + customer + "'";
        String subject = head + (head.startsWith("License") || head.startsWith("1 seat ") ? " expires" : " expire") + " in " + left
                + " (" + WHEN.format(expires) + ")";
        String text = "License " + l.id() + " (customer '" + customer + "') expires on " + WHEN.format(expires) + ", in " + left + ".\n"
                + String.join("\n", lines) + "\n"
                + "Add the renewal before then (Licenses in the console, or: usher license add FILE). Usher warns again at the next"
                + " threshold.";
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("licenseId", l.id().toString());
        facts.put("customer", customer);
        facts.put("expires", expires.toString());
        facts.put("thresholdDays", String.valueOf(threshold));
        facts.put("pools", String.join(",", pools));
        facts.put("ending", String.join("; ", what));
        return new Alert("license-expiring:" + l.id() + ":" + expires.getEpochSecond() + ":" + threshold + "d",
                AlertKind.LICENSE_EXPIRING, now, subject, text, facts, null);
    }

    /** "39 hours" below two days, else "6 days" (whole, rounded down). */
    static String left(Duration d) {
        if (d.compareTo(Duration.ofHours(48)) < 0) {
            long h = Math.max(1, d.toHours());
            return h + (h == 1 ? " hour" : " hours");
        }
        return d.toDays() + " days";
    }
}
