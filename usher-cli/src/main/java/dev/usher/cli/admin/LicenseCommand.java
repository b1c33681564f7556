package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code usher license add|list|remove|reload|key}: the license inventory. Changes take effect at once. */
@Command(name = "license", mixinStandardHelpOptions = true, description = "Add, list and remove license files and the vendor keys they need.",
        subcommands = {LicenseCommand.Add.class, LicenseCommand.ListLicenses.class, LicenseCommand.Remove.class,
                LicenseCommand.Reload.class, KeyCommand.class})
public final class LicenseCommand {

    static final long MAX_FILE_BYTES = 256 * 1024;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add license files (.lic); idempotent.")
    static final class Add implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "License files to add.") List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int failed = 0;
            try (AdminConnection api = AdminConnection.open(options)) {
                for (Path file : files) {
                    try {
                        AdminConnection.Reply r = api.post("/api/v1/licenses", "text/plain; charset=utf-8",
                                readText(file, MAX_FILE_BYTES, "license file"));
                        JsonNode l = r.body();
                        out.println((r.status() == 201 ? "added " : "already installed ") + l.get("id").asString()
                                + " (" + l.get("customer").asString() + "; " + Format.entitlements(l.get("entitlements")) + ") from " + file);
                        for (JsonNode w : l.path("warnings")) {
                            out.println("warning: " + w.asString());
                        }
                    } catch (CliException e) {
                        failed++;
                        err.println("usher: " + file + ": " + e.getMessage());
                    }
                }
            }
            return failed == 0 ? 0 : 1;
        }

    }

    /** A license or key file's text; one-line errors ("larger than 256 KiB: not a license file"). */
    static String readText(Path file, long maxBytes, String what) {
        try {
            if (Files.size(file) > maxBytes) {
                throw new CliException("larger than " + maxBytes / 1024 + " KiB: not a " + what);
            }
            return Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CliException("not a text file: a " + what + " is plain text");
        } catch (IOException e) {
            throw new CliException("cannot read: " + e.getMessage());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List installed license files and their status.")
    static final class ListLicenses implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @picocli.CommandLine.Option(names = "--json", description = "Print the licenses as the API answers them (an array), for scripts.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (AdminConnection api = AdminConnection.open(options)) {
                JsonNode list = api.get("/api/v1/licenses").body();
                if (json) {
                    JsonOutput.print(out, list);
                    return 0;
                }
                if (list.isEmpty()) {
                    out.println("no licenses installed; add one with: usher license add FILE.lic");
                    return 0;
                }
                out.printf("%-36s  %-14s  %-24s  %s%n", "ID", "STATUS", "CUSTOMER", "ENTITLEMENTS");
                for (JsonNode l : list) {
                    out.printf("%-36s  %-14s  %-24s  %s%n", l.get("id").asString(), l.get("status").asString(),
                            Format.text(l.get("customer")), Format.entitlements(l.get("entitlements")));
                    // Why a file does not count (or will stop counting), in the server's words.
                    for (JsonNode old : l.path("supersedes")) {
                        out.println("  supersedes " + old.asString());
                    }
                    if (!l.path("supersededBy").isNull() && !l.path("supersededBy").isMissingNode()) {
                        out.println("  superseded by " + l.get("supersededBy").asString() + " from " + l.get("supersededFrom").asString());
                    } else if (!"valid".equals(l.get("status").asString()) && !l.path("statusDetail").isNull()) {
                        out.println("  " + l.get("statusDetail").asString());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Read the trusted vendor keys and the installed files again (the server also notices key files within a second).")
    static final class Reload implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;

        @Override
        public Integer call() {
            try (AdminConnection api = AdminConnection.open(options)) {
                JsonNode r = api.post("/api/v1/licenses/reload", "application/json", "{}").body();
                spec.commandLine().getOut().println("reloaded: " + r.get("licenses").asInt() + " license files, "
                        + r.get("verified").asInt() + " signed by trusted keys; trusted keys: " + (r.get("keys").isEmpty() ? "none"
                        : String.join(", ", r.get("keys").valueStream().map(JsonNode::asString).toList())));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a license file. Seats already held stay held; new seats wait until in-use is below the new capacity.")
    static final class Remove implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "ID", description = "License id (see usher license list).") String id;

        @Override
        public Integer call() {
            try (AdminConnection api = AdminConnection.open(options)) {
                api.delete("/api/v1/licenses/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
                spec.commandLine().getOut().println("removed " + id);
            }
            return 0;
        }
    }
}
