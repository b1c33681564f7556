package dev.usher.cli.identity;

import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code usher doctor}: users that are probably one person (a host name mixed into the user name,
 * a host name used as the user name) and people holding more than one seat of a pool that counts
 * one seat per person; with {@code --fix}, the merges and releases are applied.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Find users that are probably one person (host names mixed into user names, host names used as user names)"
                + " and people holding more than one seat of a pool that counts one seat per person; propose the commands that fix them.",
                "With --fix, merge the duplicates and release the extra seats (sessions keep working on the seat that stays).",
                "",
                "Exit status: 0 when nothing was found, or --fix fixed everything;",
                "1 when problems remain: without --fix, any problem found; with --fix, problems that need a person's decision"
                        + " (e.g. a user named like a host: whose machine is it?), which are listed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no problems found (or all fixed)", "1:problems remain", "2:wrong usage"})
public final class DoctorCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin AdminOptions options;

    @Option(names = "--fix", description = "Apply the fixes the doctor can make on its own, and print what was done.")
    boolean fix;

    @Option(names = "--json", description = "Print {\"findings\": [...]} (with --fix also \"done\": [...]) for scripts; the exit status is the same.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (IdentityApi api = IdentityApi.open(options)) {
            JsonNode findings = api.get("/api/v1/doctor");
            if (json) {
                Map<String, Object> answer = new LinkedHashMap<>();
                if (fix && !findings.isEmpty()) {
                    answer.put("done", api.post("/api/v1/doctor/fix", Map.of()).get("done"));
                    findings = api.get("/api/v1/doctor");
                }
                answer.put("findings", findings);
                dev.usher.cli.admin.JsonOutput.print(out, answer);
                return findings.isEmpty() ? 0 : 1;
            }
            if (findings.isEmpty()) {
                out.println("no problems found");
                return 0;
            }
            if (!fix) {
                print(out, findings);
                out.println();
                out.println(findings.size() + " problem(s) found; run the commands above, or usher doctor --fix to apply the merges and releases");
                return 1;
            }
            JsonNode done = api.post("/api/v1/doctor/fix", Map.of()).get("done");
            for (JsonNode d : done) {
                out.println(d.asString());
            }
            JsonNode left = api.get("/api/v1/doctor");
            if (left.isEmpty()) {
                out.println(done.isEmpty() ? "nothing to do" : "all fixed: no problems found");
                return 0;
            }
            if (!done.isEmpty()) {
                out.println();
            }
            out.println(left.size() + " problem(s) need your decision:");
            print(out, left);
            return 1;
        }
    }

    private static void print(PrintWriter out, JsonNode findings) {
        boolean first = true;
        for (JsonNode f : findings) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println("[" + f.get("kind").asString() + "] " + f.get("problem").asString());
            out.println("  fix: " + f.get("fix").asString());
            for (JsonNode c : f.get("commands")) {
                out.println("    " + c.asString());
            }
        }
    }
}
