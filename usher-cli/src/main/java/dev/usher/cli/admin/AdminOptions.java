package dev.usher.cli.admin;

import dev.usher.cli.Environment;
import picocli.CommandLine.Option;

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

    public Path dataDir() {
        return env.dataDir(data);
    }

    public String server() {
        return serverUrl;
    }

    public String token() {
        return tokenFlag != null ? tokenFlag : env.get("USHER_ADMIN_TOKEN");
    }
}
