package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code usher license key list|add|remove}: the trusted vendor keys and the products each may license. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "List, add and remove trusted vendor keys. A key licenses only the products its key file names.",
        subcommands = {KeyCommand.ListKeys.class, KeyCommand.Add.class, KeyCommand.Remove.class})
final class KeyCommand {

    static final long MAX_FILE_BYTES = 64 * 1024;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the trusted vendor keys.")
    static final class ListKeys implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (AdminConnection api = AdminConnection.open(options)) {
                JsonNode keys = api.get("/api/v1/trusted-keys").body();
                if (keys.isEmpty()) {
                    out.println("no vendor key is trusted; add the vendor's key file with: usher license key add vendor.pub");
                    return 0;
                }
                out.printf("%-16s  %-24s  %-8s  %s%n", "KEY", "VENDOR", "LICENSES", "MAY LICENSE");
                for (JsonNode k : keys) {
                    out.printf("%-16s  %-24s  %-8d  %s%n", k.get("keyId").asString(),
                            k.get("vendor").isNull() ? "(old key file)" : k.get("vendor").asString(), k.get("licenses").asInt(),
                            k.get("products").isEmpty() ? "nothing" : String.join(", ", k.get("products").valueStream().map(JsonNode::asString).toList()));
                    for (JsonNode w : k.get("warnings")) {
                        out.println("  warning: " + w.asString());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Trust a vendor's key file (.pub, naming the vendor and its products); refused when another key claims one of them.")
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "FILE", description = "The vendor's key file.") Path file;

        @Override
        public Integer call() {
            String text;
            try {
                text = LicenseCommand.readText(file, MAX_FILE_BYTES, "vendor key file");
            } catch (CliException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
            try (AdminConnection api = AdminConnection.open(options)) {
                AdminConnection.Reply r = api.post("/api/v1/trusted-keys", "text/plain; charset=utf-8", text);
                JsonNode k = r.body();
                spec.commandLine().getOut().println((r.status() == 201 ? "trusting key " : "already trusted: key ")
                        + k.get("keyId").asString() + " of vendor " + k.get("vendor").asString() + ", may license "
                        + String.join(", ", k.get("products").valueStream().map(JsonNode::asString).toList()));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Stop trusting a vendor key: its licenses stop counting at once; seats held now stay held.")
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "KEY", description = "The key id (see usher license key list).") String keyId;

        @Override
        public Integer call() {
            try (AdminConnection api = AdminConnection.open(options)) {
                api.delete("/api/v1/trusted-keys/" + java.net.URLEncoder.encode(keyId, java.nio.charset.StandardCharsets.UTF_8));
                spec.commandLine().getOut().println("no longer trusting key " + keyId + "; the licenses it signed no longer count");
            }
            return 0;
        }
    }
}
