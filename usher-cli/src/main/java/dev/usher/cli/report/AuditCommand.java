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
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check or export the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public final class AuditCommand {

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
        @Option(names = "--from", description = "From this date or time (2026-06-01, 2026-06-01T12:00:00Z).") String from;
        @Option(names = "--to", description = "Up to (not including) this date or time.") String to;
        @Option(names = "--actor", description = "Only what this administrator did.") String actor;
        @Option(names = "--user", description = "Only seat events of this person.") String user;
        @Option(names = "--product") String product;
        @Option(names = "--feature") String feature;
        @Option(names = "--type", description = "Only this type (grant, deny, license-added, sign-in-failed, ...).") String type;
        @Option(names = {"-o", "--out"}, description = "Write to this file instead of standard output.") Path out;

        @Override
        public Integer call() {
            String accept = switch (format) {
                case "jsonl", "ndjson" -> "application/x-ndjson";
                case "csv" -> "text/csv";
                default -> throw new CliException("--format must be jsonl or csv (got '" + format + "')");
            };
            String query = Query.of("from", from, "to", to, "actor", actor, "user", user, "product", product, "feature", feature,
                    "type", type);
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
