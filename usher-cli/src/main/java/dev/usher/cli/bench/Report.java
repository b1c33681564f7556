package dev.usher.cli.bench;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one bench run, as a table for people or JSON for scripts. */
final class Report {

    /**
     * One phase with the CPU each side used during it (whole phase, warm-up included), in cores; -1
     * when unknown (the server's needs {@code --server-pid}).
     *
     * @param otherCores what the rest of the machine used meanwhile: above a few hundredths, another
     *                   program competed for the cores and the numbers understate the server
     * @param setup      true for phases that prepare or clean up (not one of the three measured rates)
     */
    record Row(PhaseResult result, double serverCores, double benchCores, double otherCores, double machineCores,
               boolean setup) {}

    /** Other programs used more than this many cores during a phase: the run was disturbed. */
    static final double DISTURBED = 0.10;

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> server = new LinkedHashMap<>();

    Report header(String key, Object value) {
        header.put(key, value);
        return this;
    }

    void add(Row row) {
        rows.add(row);
    }

    void note(String note) {
        notes.add(note);
    }

    void server(String key, Object value) {
        server.put(key, value);
    }

    List<Row> rows() {
        return rows;
    }

    long errors() {
        return rows.stream().mapToLong(r -> r.result().errors()).sum();
    }

    boolean incomplete() {
        return rows.stream().anyMatch(r -> !r.result().complete());
    }

    /** The bare baseline's rate, when this run measured it. */
    boolean disturbed() {
        return rows.stream().anyMatch(r -> r.otherCores() > DISTURBED);
    }

    Double baseline() {
        return rows.stream().filter(r -> r.result().key().equals("baseline")).findFirst()
                .map(r -> r.result().rate()).filter(r -> r > 0).orElse(null);
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        StringBuilder h = new StringBuilder("usher bench");
        header.forEach((k, v) -> h.append("  ").append(k).append(' ').append(v));
        sb.append(h).append('\n');
        Double base = baseline();
        String fmt = "%-42s %10s %-11s %8s %8s %8s %10s %7s %8s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "PHASE", "RATE", "", "P50 ms", "P99 ms", "MAX ms", "REQUESTS", "ERRORS",
                "RATIO", "CPU cores: server+bench+other"));
        for (Row row : rows) {
            PhaseResult r = row.result();
            String ratio = row.setup() || base == null ? "" : String.format(Locale.ROOT, "%.2f", r.rate() / base);
            String cpu = cores(row.serverCores()) + " + " + cores(row.benchCores()) + " + " + cores(row.otherCores())
                    + (row.otherCores() > DISTURBED ? "  DISTURBED" : "");
            sb.append(String.format(Locale.ROOT, fmt, abbreviate((row.setup() ? "(" + r.title() + ")" : r.title()), 42),
                    String.format(Locale.ROOT, "%,.0f", r.rate()), r.unit(),
                    ms(r.p50Millis()), ms(r.p99Millis()), ms(r.maxMillis()),
                    String.format(Locale.ROOT, "%,d", r.requests()), String.format(Locale.ROOT, "%,d", r.errors()), ratio, cpu));
        }
        sb.append("latency is per request (a cycle is two); rates and latency cover the measured window, after warm-up;"
                + " RATIO = rate / bare baseline rate of this run\n");
        for (Row row : rows) {
            PhaseResult r = row.result();
            StringBuilder s = new StringBuilder("  ").append(r.key()).append(": ");
            r.statuses().forEach((code, n) -> s.append(code).append("=").append(String.format(Locale.ROOT, "%,d", n)).append(' '));
            if (r.ioErrors() > 0) {
                s.append("transport-errors=").append(r.ioErrors()).append(' ');
            }
            if (r.reconnects() > 0) {
                s.append("reconnects=").append(r.reconnects()).append(' ');
            }
            if (!r.complete()) {
                s.append("INCOMPLETE (time limit) ");
            }
            sb.append(s.toString().stripTrailing()).append('\n');
        }
        if (!server.isEmpty()) {
            StringBuilder s = new StringBuilder("server:");
            server.forEach((k, v) -> s.append("  ").append(k).append(' ').append(v));
            sb.append(s).append('\n');
        }
        for (String n : notes) {
            sb.append("note: ").append(n).append('\n');
        }
        if (disturbed()) {
            sb.append("note: DISTURBED: other programs used more than ").append(DISTURBED)
                    .append(" cores during a phase; the server had less CPU than the numbers assume\n");
        }
        if (rows.stream().anyMatch(r -> r.serverCores() < 0 && r.machineCores() >= 0)) { // a row without any CPU figures ran inside another
            sb.append("note: pass --server-pid PID to see the server's CPU use and memory\n");
        }
        if (errors() > 0) {
            sb.append("\n!!! ").append(String.format(Locale.ROOT, "%,d", errors()))
                    .append(" REQUESTS FAILED (non-2xx or transport errors): this run is NOT a valid measurement !!!\n");
            for (Row row : rows) {
                for (String e : row.result().errorSamples()) {
                    sb.append("  ").append(row.result().key()).append(": ").append(e).append('\n');
                }
            }
        }
        return sb.toString();
    }

    ObjectNode json() {
        ObjectNode root = ServerApi.JSON.createObjectNode();
        header.forEach((k, v) -> put(root, k, v));
        Double base = baseline();
        ArrayNode phases = root.putArray("phases");
        for (Row row : rows) {
            PhaseResult r = row.result();
            ObjectNode p = phases.addObject();
            p.put("phase", r.key());
            p.put("title", r.title());
            p.put("setup", row.setup());
            p.put("rate", round(r.rate()));
            p.put("unit", r.unit());
            p.put("p50Ms", round(r.p50Millis()));
            p.put("p99Ms", round(r.p99Millis()));
            p.put("maxMs", round(r.maxMillis()));
            p.put("meanMs", round(r.latency().mean() / 1e6));
            p.put("windowSeconds", round(r.seconds()));
            p.put("operations", r.operations());
            p.put("requests", r.requests());
            p.put("errors", r.errors());
            p.put("transportErrors", r.ioErrors());
            p.put("reconnects", r.reconnects());
            p.put("complete", r.complete());
            if (!row.setup() && base != null) {
                p.put("ratioToBaseline", Math.round(r.rate() / base * 1000) / 1000.0);
            }
            if (row.serverCores() >= 0) {
                p.put("serverCpuCores", round(row.serverCores()));
            }
            if (row.benchCores() >= 0) {
                p.put("benchCpuCores", round(row.benchCores()));
            }
            if (row.otherCores() >= 0) {
                p.put("otherCpuCores", round(row.otherCores()));
            }
            if (row.machineCores() >= 0) {
                p.put("machineCpuCores", round(row.machineCores()));
            }
            ObjectNode statuses = p.putObject("statuses");
            r.statuses().forEach((code, n) -> statuses.put(Integer.toString(code), n));
            ArrayNode samples = p.putArray("errorSamples");
            r.errorSamples().forEach(samples::add);
        }
        if (!server.isEmpty()) {
            ObjectNode s = root.putObject("server");
            server.forEach((k, v) -> put(s, k, v));
        }
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        root.put("disturbed", disturbed());
        root.put("errors", errors());
        root.put("ok", errors() == 0 && !incomplete());
        return root;
    }

    private static void put(ObjectNode node, String key, Object v) {
        switch (v) {
            case null -> node.putNull(key);
            case Integer i -> node.put(key, i);
            case Long l -> node.put(key, l);
            case Double d -> node.put(key, round(d));
            case Boolean b -> node.put(key, b);
            default -> node.put(key, v.toString());
        }
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private static String ms(double ms) {
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%.2f", ms);
    }

    private static String cores(double c) {
        return c < 0 ? "?" : String.format(Locale.ROOT, "%.2f", c);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
