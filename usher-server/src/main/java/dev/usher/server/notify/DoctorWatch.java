package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.server.auth.Doctor;
import dev.usher.core.notify.NotificationLog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * New findings of the doctor (probable duplicate people, host-named users, people holding two seats).
 * Each finding is claimed once, for good, under a key made from what it says; the ones this node claims
 * on a check go out in one message, so a first check that finds fifty old duplicates sends one e-mail,
 * not fifty. The doctor reads every user, so it runs every ten minutes at most.
 */
final class DoctorWatch implements Watch {

    static final Duration EVERY = Duration.ofMinutes(10);
    private static final int SHOWN = 20;

    private final Doctor doctor;
    private final NotificationLog log;
    private final String node;
    private final Pace pace = new Pace(EVERY);

    DoctorWatch(Doctor doctor, NotificationLog log, String node) {
        this.doctor = doctor;
        this.log = log;
        this.node = node;
    }

    @Override
    public AlertKind kind() {
        return AlertKind.DOCTOR_FINDING;
    }

    @Override
    public synchronized List<Alert> check(Instant now, NotificationSettings settings) {
        if (!pace.due(now)) {
            return List.of();
        }
        List<Doctor.Finding> fresh = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Doctor.Finding f : doctor.examine()) {
            String key = "doctor-finding:" + digest(f.kind() + "\n" + f.problem());
            // A marker without deliveries: the finding is announced by the message below, or was before.
            if (log.claim(new Alert(key, AlertKind.DOCTOR_FINDING, now, f.problem(), f.problem(), Map.of(), null), "{}", List.of(), node)) {
                fresh.add(f);
                keys.add(key);
            }
        }
        if (fresh.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (Doctor.Finding f : fresh.subList(0, Math.min(SHOWN, fresh.size()))) {
            lines.add("- " + f.problem() + ". Fix: " + f.fix() + (f.commands().isEmpty() ? "" : " (" + f.commands().getFirst()
                    + (f.commands().size() > 1 ? " and " + (f.commands().size() - 1) + " more" : "") + ")"));
        }
        if (fresh.size() > SHOWN) {
            lines.add("- and " + (fresh.size() - SHOWN) + " more");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("findings", String.valueOf(fresh.size()));
        facts.put("kinds", String.join(",", fresh.stream().map(Doctor.Finding::kind).distinct().toList()));
        return List.of(new Alert("doctor-findings:" + digest(String.join("\n", keys)), AlertKind.DOCTOR_FINDING, now,
                "The doctor found " + fresh.size() + " new " + (fresh.size() == 1 ? "problem" : "problems"),
                String.join("\n", lines) + "\nThe Doctor page of the console lists every finding and fixes them (usher doctor --fix does too).",
                facts, null));
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
