package dev.usher.cli.admin;

import dev.usher.cli.common.Environment;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** Options every admin command shares (a picocli mixin). */
public final class AdminOptions {

    @Option(names = "--data", description = "Data directory of the server (default ./data; env USHER_DATA).")
    Path data;

    @Option(names = "--server", description = "URL of a remote Usher server (default: the one on --data).")
    String serverUrl;

    @Option(names = "--token", description = "Admin token for --server (env USHER_ADMIN_TOKEN).")
    String tokenFlag;

    Environment env = Environment.system();

    /** The command this mixin belongs to: where notices go. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    public Path dataDir() {
        // A server configured by USHER_CONFIG may name its data directory only in that file.
        if (data == null && env.get("USHER_DATA") == null && env.get(dev.usher.cli.config.Configuration.CONFIG_ENV) != null) {
            var c = dev.usher.cli.config.Configuration.resolve(java.util.Map.of(), null, env);
            if (!c.problems().isEmpty()) {
                throw new dev.usher.cli.common.CliException(c.problems().getFirst());
            }
            return c.path(dev.usher.cli.config.Setting.DATA);
        }
        return env.dataDir(data);
    }

    public String server() {
        return serverUrl;
    }

    public String token() {
        return tokenFlag != null ? tokenFlag : env.get("USHER_ADMIN_TOKEN");
    }

    /** A line for the person at the terminal that is not the command's result (stderr). */
    public void notice(String line) {
        if (command != null) {
            command.commandLine().getErr().println(line);
        } else {
            System.err.println(line);
        }
    }
}
