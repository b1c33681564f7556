package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.cli.config.Configuration;
import dev.usher.cli.config.Setting;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Options every admin command shares (a picocli mixin). */
public final class AdminOptions {

    @Option(names = "--data", description = "Data directory of the server (default ./data; env USHER_DATA).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The server's configuration file, as for usher serve (env USHER_CONFIG; default DATA/usher.properties):"
                    + " where its data directory, database and certificate are.")
    Path configFile;

    @Option(names = "--server", description = "URL of a remote Usher server (default: the one on --data).")
    String serverUrl;

    @Option(names = "--token", description = "Admin token for --server (env USHER_ADMIN_TOKEN).")
    String tokenFlag;

    @Option(names = "--cacert", paramLabel = "PEM",
            description = "Trust the HTTPS certificates signed by this certificate (or this certificate itself), besides the"
                    + " system's CAs and the certificate of the Usher on this machine (env USHER_CACERT).")
    Path cacertFlag;

    Environment env = Environment.system();

    /** The command this mixin belongs to: where notices go. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private Configuration resolved;

    /**
     * The server's settings as {@code usher serve} would read them (flag, USHER_* variable, the
     * configuration file, default), so an admin command finds the server where it runs.
     */
    public Configuration configuration() {
        if (resolved == null) {
            Map<Setting, String> flags = new EnumMap<>(Setting.class);
            if (data != null) {
                flags.put(Setting.DATA, data.toString());
            }
            Configuration c = Configuration.resolve(flags, configFile, env);
            if (!c.problems().isEmpty()) {
                throw new CliException(c.problems().getFirst());
            }
            resolved = c;
        }
        return resolved;
    }

    public Path dataDir() {
        return configuration().path(Setting.DATA);
    }

    public String server() {
        return serverUrl;
    }

    public String token() {
        return tokenFlag != null ? tokenFlag : env.get("USHER_ADMIN_TOKEN");
    }

    /** {@code --cacert} or {@code USHER_CACERT}, or null. */
    public Path cacert() {
        if (cacertFlag != null) {
            return cacertFlag;
        }
        String v = env.get("USHER_CACERT");
        return v == null ? null : Path.of(v);
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
