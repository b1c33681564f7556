package dev.usher.cli.admin;

import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;

/**
 * {@code --json} of the listing commands: the API's own objects, indented, so a script reads the
 * same fields as the API description documents (README, "Scripting with --json").
 */
public final class JsonOutput {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonOutput() {
    }

    public static void print(PrintWriter out, Object value) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        out.flush();
    }
}
