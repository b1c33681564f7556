package dev.usher.cli.assignment;

import dev.usher.cli.admin.AdminConnection;
import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code usher explain USER PRODUCT FEATURE}: whether a person holds, would get or is refused a seat, and why. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain whether USER holds, would get or is refused a seat of PRODUCT/FEATURE. Exit code 0 holds or would get, 1 refused.")
public final class ExplainCommand implements java.util.concurrent.Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin AdminOptions options;
    @Parameters(index = "0", paramLabel = "USER") String user;
    @Parameters(index = "1", paramLabel = "PRODUCT") String product;
    @Parameters(index = "2", paramLabel = "FEATURE") String feature;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (AdminConnection api = AdminConnection.open(options)) {
            JsonNode e = api.get("/api/v1/explain?user=" + enc(user) + "&product=" + enc(product) + "&feature=" + enc(feature)).body();
            String name = text(e, "user");
            String detail = text(e, "detail");
            String pool = product + "/" + feature;
            switch (text(e, "outcome")) {
                case "holds" -> {
                    out.println(name + " holds seat " + text(e, "seatId") + " of " + pool + " since " + text(e, "since")
                            + " (charged to " + charge(detail) + ")");
                    return 0;
                }
                case "would-get" -> {
                    String how = detail.startsWith("would get a seat") ? detail.substring("would get a seat".length()).strip() : detail;
                    out.println(name + " would get a seat of " + pool + (how.isEmpty() ? "" : " " + how));
                    return 0;
                }
                default -> {
                    out.println(name + " is refused a seat of " + pool + ": " + detail);
                    return 1;
                }
            }
        }
    }

    /** What the seat is charged to, as the server says it ("holds seat X, charged to the reserve for ..."). */
    private static String charge(String detail) {
        int at = detail.indexOf(", charged to ");
        return at < 0 ? "the shared part" : detail.substring(at + ", charged to ".length());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
