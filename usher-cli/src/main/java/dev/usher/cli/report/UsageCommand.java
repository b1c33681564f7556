package dev.usher.cli.report;

import dev.usher.cli.admin.AdminConnection;
import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code usher usage}: usage history per pool, and {@code usher usage right-sizing}: the estimate for a renewal. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Usage history per pool and step (peak and average in use, capacity, grants, refusals, people).",
        subcommands = UsageCommand.RightSizingCommand.class)
public final class UsageCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin AdminOptions options;
    @Option(names = "--product") String product;
    @Option(names = "--feature") String feature;
    @Option(names = "--from", description = "From this date or time (default: one step-dependent period back).") String from;
    @Option(names = "--to", description = "Up to (not including) this date or time (default: now).") String to;
    @Option(names = "--step", defaultValue = "hour", description = "minute, hour or day (default ${DEFAULT-VALUE}).") String step;
    @Option(names = "--csv", description = "Print CSV instead of a table.") boolean csv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String path = "/api/v1/usage" + Query.of("product", product, "feature", feature, "from", from, "to", to, "step", step);
        try (AdminConnection api = AdminConnection.open(options)) {
            if (csv) {
                out.print(api.getText(path, "text/csv"));
                out.flush();
                return 0;
            }
            JsonNode rows = api.get(path).body();
            out.printf("%-24s %-21s %5s %8s %5s %6s %7s %6s%n", "pool", "start", "peak", "average", "owned", "grants", "refused", "people");
            for (JsonNode r : rows) {
                out.printf("%-24s %-21s %5d %8.2f %5d %6d %7d %6d%n", r.get("product").asString() + "/" + r.get("feature").asString(),
                        r.get("start").asString(), r.get("peakInUse").asInt(), r.get("averageInUse").asDouble(), r.get("capacity").asInt(),
                        r.get("grants").asInt(), r.get("denials").get("no-seats-available").asInt(), r.get("distinctUsers").asInt());
            }
            if (rows.isEmpty()) {
                out.println("(no usage history in this period)");
            }
            return 0;
        }
    }

    @Command(name = "right-sizing", mixinStandardHelpOptions = true,
            description = "Estimate how many seats of PRODUCT/FEATURE would have served everyone, 99% and 95% of the time.")
    static final class RightSizingCommand implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "PRODUCT") String product;
        @Parameters(index = "1", paramLabel = "FEATURE") String feature;
        @Option(names = "--from", description = "From this date or time (default: 30 days back).") String from;
        @Option(names = "--to", description = "Up to (not including) this date or time (default: now).") String to;

        @Override
        public Integer call() {
            try (AdminConnection api = AdminConnection.open(options)) {
                JsonNode r = api.get("/api/v1/usage/right-sizing" + Query.of("product", product, "feature", feature, "from", from, "to", to)).body();
                spec.commandLine().getOut().println(r.get("sentence").asString());
                return 0;
            }
        }
    }
}
