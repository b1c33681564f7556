package dev.usher.cli;

import dev.usher.cli.common.Environment;
import dev.usher.server.ServerConfig;
import picocli.CommandLine;

/** {@code usher serve}'s resolved configuration for tests in other packages. */
public final class ServeCommandAccess {

    private ServeCommandAccess() {
    }

    public static ServerConfig config(Environment env, String... args) {
        ServeCommand cmd = new ServeCommand(env);
        new CommandLine(cmd).parseArgs(args);
        return cmd.config();
    }
}
