package dev.usher.cli.report;

import dev.usher.cli.common.CliException;
import dev.usher.cli.admin.AdminConnection;
import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code usher audit verify|export}: the tamper-evident audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "List, check or export the audit trail.",
        subcommands = {AuditCommand.ListRecords.class, AuditCommand.Verify.class, AuditCommand.Export.class})
public final class AuditCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the latest audit records, newest first (at most --limit), optionally filtered.")
    static final class ListRecords implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Mixin Filters filters;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N records (1-100000; default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "Print the records as the API answers them (an array, newest first), for scripts.") boolean json;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 100_000) {
                throw new CliException("--limit must be between 1 and 100000");
            }
            java.io.PrintWriter out = spec.commandLine().getOut();
            try (AdminConnection api = AdminConnection.open(options)) {
                String query = filters.query();
                JsonNode records = api.get("/api/v1/audit" + query + (query.isEmpty() ? "?" : "&") + "order=newest&limit=" + limit).body();
                if (json) {
                    dev.usher.cli.admin.JsonOutput.print(out, records);
                    return 0;
                }
                if (records.isEmpty()) {
                    out.println("no audit record matches");
                    return 0;
                }
                out.printf("%-8s  %-24s  %-5s  %-20s  %-12s  %-16s  %-16s  %s%n", "SEQ", "AT", "KIND", "TYPE", "ACTOR", "POOL", "USER", "TARGET / DETAIL");
                for (JsonNode r : records) {
                    String pool = r.get("product").isNull() ? "-" : r.get("product").asString() + "/" + r.get("feature").asString();
                    String what = String.join(" ", java.util.stream.Stream.of(r.get("target"), r.get("detail"))
                            .filter(n -> !n.isNull()).map(JsonNode::asString).toList());
                    out.printf("%-8d  %-24s  %-5s  %-20s  %-12s  %-16s  %-16s  %s%n", r.get("seq").asLong(), r.get("at").asString(),
                            r.get("kind").asString(), r.get("type").asString(), text(r.get("actor")), pool, text(r.get("user")), what);
                }
                if (records.size() == limit) {
                    out.println("(the latest " + limit + " records; raise --limit or narrow the filters)");
                }
            }
            return 0;
        }

        private static String text(JsonNode n) {
            return n == null || n.isNull() ? "-" : n.asString();
        }
    }

    /** The filters of list and export, the API's parameters. */
    static final class Filters {
        @Option(names = "--from", description = "From this date or time (2026-06-01, 2026-06-01T12:00:00Z).") String from;
        @Option(names = "--to", description = "Up to (not including) this date or time.") String to;
        @Option(names = "--kind", paramLabel = "admin|seat", description = "Only administrators' actions (admin) or only seat events (seat).")
        String kind;
        @Option(names = "--actor", description = "Only what this administrator did.") String actor;
        @Option(names = "--user", description = "Only seat events of this person.") String user;
        @Option(names = "--product") String product;
        @Option(names = "--feature") String feature;
        @Option(names = "--type", description = "Only this type (grant, deny, license-added, sign-in-failed, ...).") String type;

        String query() {
            return Query.of("from", from, "to", to, "kind", kind, "actor", actor, "user", user, "product", product,
                    "feature", feature, "type", type);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the hash chain of the audit trail; exit code 0 intact, 1 with the first broken link.")
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;

        @Override
        public Integer call() {
            try (AdminConnection api = AdminConnection.open(options)) {
                JsonNode v = api.get("/api/v1/audit/verify").body();
                boolean ok = v.get("ok").asBoolean();
                String line = (ok ? "intact: " : "BROKEN at record " + v.get("brokenAt").asLong() + ": ") + v.get("detail").asString();
                if (!v.get("recording").asBoolean()) {
                    line += " (recording is off; " + v.get("pending").asLong() + " event(s) wait to be chained)";
                }
                (ok ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(line);
                return ok ? 0 : 1;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export audit records as JSON lines (default) or CSV, optionally filtered.")
    static final class Export implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or csv (default ${DEFAULT-VALUE}).") String format;
        @Mixin Filters filters;
        @Option(names = {"-o", "--out"}, description = "Write to this file instead of standard output.") Path out;

        @Override
        public Integer call() {
            String accept = switch (format) {
                case "jsonl", "ndjson" -> "application/x-ndjson";
                case "csv" -> "text/csv";
                default -> throw new CliException("--format must be jsonl or csv (got '" + format + "')");
            };
            String query = filters.query();
            try (AdminConnection api = AdminConnection.open(options)) {
                String text = api.getText("/api/v1/audit" + query, accept);
                if (out == null) {
                    spec.commandLine().getOut().print(text);
                    spec.commandLine().getOut().flush();
                } else {
                    try {
                        Files.writeString(out, text, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new CliException("cannot write " + out + ": " + e.getMessage());
                    }
                }
                return 0;
            }
        }
    }
}
