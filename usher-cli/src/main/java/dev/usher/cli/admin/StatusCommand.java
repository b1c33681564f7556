package dev.usher.cli.admin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code usher status}: pools, capacity, in use, and who holds what from where since when. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show pools, seats and who holds them.")
public final class StatusCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin AdminOptions options;

    @Option(names = "--json", description = "Print {installationId, version, pools, seats, queue} as the API answers them, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (AdminConnection api = AdminConnection.open(options)) {
            JsonNode inst = api.get("/api/v1/installation").body();
            JsonNode pools = api.get("/api/v1/pools").body();
            JsonNode seats = api.get("/api/v1/seats").body();
            JsonNode queue = api.get("/api/v1/queue").body();
            if (json) {
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("installationId", inst.get("installationId"));
                all.put("version", inst.get("version"));
                all.put("pools", pools);
                all.put("seats", seats);
                all.put("queue", queue);
                JsonOutput.print(out, all);
                return 0;
            }
            out.println("installation id: " + inst.get("installationId").asString() + "   version: " + inst.get("version").asString());
            if (pools.isEmpty()) {
                out.println("no pools: add a license file with: usher license add FILE.lic");
                return 0;
            }
            for (JsonNode p : pools) {
                String product = p.get("product").asString();
                String feature = p.get("feature").asString();
                int borrowed = p.path("borrowed").asInt(0);
                int waiting = p.path("waiting").asInt(0);
                out.printf("%n%s/%s: %d of %d seats in use%s%s%s%s%n", product, feature, p.get("inUse").asInt(), p.get("capacity").asInt(),
                        borrowed == 0 ? "" : ", " + borrowed + " borrowed",
                        waiting == 0 ? "" : ", " + waiting + " waiting",
                        p.get("serverLicensed").asBoolean() ? "" : "  [server not licensed]",
                        p.get("nextExpiry").isNull() ? "" : "  (valid through " + p.get("nextExpiryValidThrough").asString() + ")");
                if (!p.get("warning").isNull()) {
                    out.println("  warning: " + p.get("warning").asString());
                }
                for (JsonNode s : seats) {
                    if (!s.get("product").asString().equals(product) || !s.get("feature").asString().equals(feature)) {
                        continue;
                    }
                    String state = !s.path("borrowedUntil").isNull() && !s.path("borrowedUntil").isMissingNode()
                            ? " (borrowed until " + s.get("borrowedUntil").asString() + ")"
                            : s.get("lingerUntil").isNull() ? "" : " (lingering until " + s.get("lingerUntil").asString() + ")";
                    out.printf("  %-20s seat %s since %s%s%n", s.get("user").asString(), s.get("seatId").asString(),
                            s.get("since").asString(), state);
                    for (JsonNode session : s.get("sessions")) {
                        out.printf("      %-24s host %-16s client %-12s since %s, last heartbeat %s%n", session.get("sessionId").asString(),
                                session.get("host").asString(), Format.text(session.get("client")), session.get("since").asString(),
                                session.get("lastHeartbeat").asString());
                    }
                }
                for (JsonNode q : queue) {
                    if (q.get("product").asString().equals(product) && q.get("feature").asString().equals(feature)) {
                        out.printf("  waiting #%d: %-20s host %-16s since %s (until %s)%n", q.get("position").asInt(),
                                q.get("user").asString(), q.get("host").asString(), q.get("since").asString(), q.get("waitsUntil").asString());
                    }
                }
            }
        }
        return 0;
    }
}
