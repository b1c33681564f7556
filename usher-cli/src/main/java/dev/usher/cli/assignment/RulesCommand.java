package dev.usher.cli.assignment;

import dev.usher.cli.common.CliException;
import dev.usher.cli.admin.AdminConnection;
import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code usher rules show|set}: a pool's assignment rules (reserve, limit, deny, allow-only), versioned. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Show and set a pool's seat assignment rules.",
        subcommands = {RulesCommand.Show.class, RulesCommand.Set.class})
public final class RulesCommand {

    static final long MAX_FILE_BYTES = 256 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final List<String> FIELDS = List.of("kind", "role", "user", "seats", "roles", "users");

    static String path(String product, String feature) {
        return "/api/v1/pools/" + URLEncoder.encode(product, StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(feature, StandardCharsets.UTF_8) + "/rules";
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a pool's rules, version, capacity and shared seats; --json prints them for editing and `usher rules set`.")
    static final class Show implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "PRODUCT") String product;
        @Parameters(index = "1", paramLabel = "FEATURE") String feature;
        @Option(names = "--json", description = "Print {\"rules\": [...]} only, ready to edit and pass to usher rules set.") boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (AdminConnection api = AdminConnection.open(options)) {
                JsonNode view = api.get(path(product, feature)).body();
                if (json) {
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(editable(view)));
                } else {
                    table(out, view);
                }
            }
            return 0;
        }
    }

    // No mixinStandardHelpOptions: its -V/--version would clash with --version N.
    @Command(name = "set",
            description = "Replace a pool's rules with those in FILE ({\"rules\": [...]}, as `usher rules show --json` prints).")
    static final class Set implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "PRODUCT") String product;
        @Parameters(index = "1", paramLabel = "FEATURE") String feature;
        @Parameters(index = "2", paramLabel = "FILE", description = "JSON file with the rules.") Path file;
        @Option(names = "--version", paramLabel = "N",
                description = "The version you read with `usher rules show`: refuse if someone saved the rules since (default: the current version).")
        Long version;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode rules = read(file);
            try (AdminConnection api = AdminConnection.open(options)) {
                long expected = version != null ? version : api.get(path(product, feature)).body().get("version").asLong();
                JsonNode view;
                try {
                    view = api.putJson(path(product, feature), rules, Map.of("If-Match", "\"" + expected + "\"")).body();
                } catch (CliException e) {
                    long now = api.get(path(product, feature)).body().get("version").asLong();
                    if (now != expected) {
                        throw new CliException("someone changed the rules since version " + expected + ": run usher rules show again");
                    }
                    throw new CliException(file + ": " + e.getMessage(), e.exitCode());
                }
                out.println("saved " + product + "/" + feature + " rules as version " + view.get("version").asLong());
                table(out, view);
            }
            return 0;
        }

        private static JsonNode read(Path file) {
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new CliException(file + ": larger than " + MAX_FILE_BYTES / 1024 + " KiB: not a rules file");
                }
                JsonNode node = JSON.readTree(Files.readString(file));
                if (node == null || !node.isObject()) {
                    throw new CliException(file + ": not a rules file: expected {\"rules\": [...]}");
                }
                return node;
            } catch (JacksonException e) {
                String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
                throw new CliException(file + ": not valid JSON: " + msg);
            } catch (java.nio.charset.MalformedInputException e) {
                throw new CliException(file + ": not a text file: a rules file is JSON");
            } catch (IOException e) {
                throw new CliException(file + ": cannot read: " + e.getMessage());
            }
        }
    }

    /** {@code {"rules": [...]}} with only the fields one writes (no ids). */
    static ObjectNode editable(JsonNode view) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("rules");
        for (JsonNode r : view.get("rules")) {
            ObjectNode o = list.addObject();
            for (String f : FIELDS) {
                JsonNode v = r.get(f);
                if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
                    o.set(f, v);
                }
            }
        }
        return root;
    }

    static void table(PrintWriter out, JsonNode view) {
        String pool = view.get("product").asString() + "/" + view.get("feature").asString();
        int capacity = view.get("capacity").asInt();
        JsonNode rules = view.get("rules");
        out.println(pool + " rules, version " + view.get("version").asLong());
        if (rules.isEmpty()) {
            out.println("no rules: every seat is shared");
        } else {
            JsonNode effective = view.get("effectiveReserves");
            out.printf("%-3s  %-10s  %-32s  %s%n", "#", "KIND", "TARGET", "SEATS");
            for (int i = 0; i < rules.size(); i++) {
                JsonNode r = rules.get(i);
                String kind = r.get("kind").asString();
                String seats = has(r, "seats") ? String.valueOf(r.get("seats").asInt()) : "-";
                JsonNode eff = effective == null ? null : effective.get(String.valueOf(i));
                if ("reserve".equals(kind) && eff != null && !eff.isNull() && !seats.equals(String.valueOf(eff.asInt()))) {
                    seats += " (" + eff.asInt() + " now)";
                }
                out.printf("%-3d  %-10s  %-32s  %s%n", i, kind, target(r), seats);
            }
        }
        out.println("capacity " + capacity + ", reserved " + view.get("reservedSeats").asInt() + ", shared " + view.get("sharedSeats").asInt());
        if (has(view, "warning")) {
            out.println("warning: " + view.get("warning").asString());
        }
    }

    private static boolean has(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && !v.isNull();
    }

    private static String target(JsonNode r) {
        if (has(r, "role")) {
            return "role " + r.get("role").asString();
        }
        if (has(r, "user")) {
            return "user " + r.get("user").asString();
        }
        List<String> parts = new ArrayList<>();
        names(r, "roles", "role ", parts);
        names(r, "users", "user ", parts);
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static void names(JsonNode r, String field, String prefix, List<String> parts) {
        if (has(r, field)) {
            for (JsonNode n : r.get(field)) {
                parts.add(prefix + n.asString());
            }
        }
    }
}
