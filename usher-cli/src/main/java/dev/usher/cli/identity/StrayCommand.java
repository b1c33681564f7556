package dev.usher.cli.identity;

import dev.usher.cli.admin.AdminOptions;
import dev.usher.cli.admin.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code usher user stray [--days N] [--purge]}: people nobody has seen for N days; with
 * {@code --purge}, exactly the people listed are deleted (anyone who took a seat meanwhile is kept).
 */
@Command(name = "stray", mixinStandardHelpOptions = true,
        description = {"List people not seen for N days (no seat, no session, not administrators); --purge deletes them.",
                "Without --purge nothing changes: the list is what --purge would delete. Each purge is in the audit trail."})
final class StrayCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin AdminOptions options;
    @Option(names = "--days", paramLabel = "N", defaultValue = "90", description = "Not seen for at least N days (default ${DEFAULT-VALUE}).")
    int days;
    @Option(names = "--purge", description = "Delete the people listed.") boolean purge;
    @Option(names = "--json", description = "Print the API's answer ({days, notSeenSince, total, people} or, with --purge, {days, purged, kept}).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (IdentityApi api = IdentityApi.open(options)) {
            JsonNode preview = api.get("/api/v1/stray-users?days=" + days);
            JsonNode people = preview.get("people");
            if (!purge) {
                if (json) {
                    JsonOutput.print(out, preview);
                    return 0;
                }
                if (people.isEmpty()) {
                    out.println("nobody: everyone was seen in the last " + days + " days (or holds a seat)");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode p : people) {
                    rows.add(List.of(p.get("name").asString(), p.get("source").asString(), Text.time(p.get("lastSeenAt")),
                            Text.time(p.get("createdAt"))));
                }
                Text.table(out, List.of("NAME", "SOURCE", "LAST SEEN", "CREATED"), rows);
                out.println(people.size() + " people not seen for " + days + " days; usher user stray --days " + days + " --purge deletes them");
                return 0;
            }
            List<Long> ids = new ArrayList<>();
            people.forEach(p -> ids.add(p.get("id").asLong()));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("days", days);
            body.put("ids", ids);
            JsonNode done = api.post("/api/v1/stray-users/purge", body);
            if (json) {
                JsonOutput.print(out, done);
                return 0;
            }
            done.get("purged").forEach(n -> out.println("purged " + n.asString()));
            done.get("kept").forEach(n -> out.println("kept " + n.asString()));
            out.println("purged " + done.get("purged").size() + " people not seen for " + days + " days");
        }
        return 0;
    }
}
