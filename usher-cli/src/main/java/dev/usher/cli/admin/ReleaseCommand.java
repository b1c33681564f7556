package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code usher release}: force-release a person's seats, or one seat (for a stuck seat after a crash). */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = {"Force-release the seats of a user (all pools, or one with --product and --feature), or one seat by id"
                + " (--seat, as usher status and usher doctor show it). The sessions on a released seat end."})
public final class ReleaseCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin AdminOptions options;

    @Option(names = "--user", description = "User name (any spelling: DOMAIN\\\\user, user@domain, user).")
    String user;

    @Option(names = "--seat", paramLabel = "SEAT_ID", description = "One seat, by id (instead of --user).")
    String seat;

    @Option(names = "--product") String product;
    @Option(names = "--feature") String feature;
    @Option(names = "--reason", description = "Recorded with the release.") String reason;

    @Override
    public Integer call() {
        if ((user == null) == (seat == null)) {
            throw new CliException("give --user NAME or --seat SEAT_ID (one of them)");
        }
        if (seat != null) {
            return releaseSeat();
        }
        if ((product == null) != (feature == null)) {
            throw new CliException("give both --product and --feature, or neither");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("product", product);
        body.put("feature", feature);
        body.put("reason", reason);
        try (AdminConnection api = AdminConnection.open(options)) {
            JsonNode released = api.postJson("/api/v1/seats/release", body).body().get("released");
            if (released.isEmpty()) {
                spec.commandLine().getOut().println(user + " holds no seat" + (product == null ? "" : " of " + product + "/" + feature));
                return 0;
            }
            spec.commandLine().getOut().println("released " + released.size() + " seat(s) of " + user);
        }
        return 0;
    }

    private int releaseSeat() {
        if (product != null || feature != null) {
            throw new CliException("--seat names one seat already: leave out --product and --feature");
        }
        String path = "/api/v1/seats/" + encode(seat.strip()) + (reason == null ? "" : "?reason=" + encode(reason));
        try (AdminConnection api = AdminConnection.open(options)) {
            api.delete(path);
            spec.commandLine().getOut().println("released seat " + seat.strip());
        }
        return 0;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
