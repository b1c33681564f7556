package dev.usher.cli.identity;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.server.install.OfflineAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code usher admin ...}: recovery on the data directory itself, with the server stopped. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Recovery with the server stopped, straight on the data directory.",
        subcommands = {AdminCommand.ResetPassword.class})
public final class AdminCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "usher admin needs a command: reset-password");
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true,
            description = {"Set a local user's password offline (the server must be stopped): the way back in when the"
                    + " administrator password is lost. Signed-in sessions of the user end; API tokens stay.",
                    "Without --password-stdin a password is generated and printed once. A missing 'admin' is created"
                            + " (in Administrators). With the server running, use usher user password instead."})
    static final class ResetPassword implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--user", paramLabel = "NAME", defaultValue = "admin", description = "Whose password (default ${DEFAULT-VALUE}).")
        String user;
        @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default ./data; env USHER_DATA).")
        Path data;
        @Option(names = "--password-stdin", description = "Read the new password from the first line of standard input.")
        boolean passwordStdin;

        Environment env = Environment.system();

        @Override
        public Integer call() {
            String password = passwordStdin ? Text.passwordFromStdin() : null;
            OfflineAdmin.Reset r;
            try {
                r = OfflineAdmin.resetPassword(env.dataDir(data), user, password);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CliException(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println((r.created() ? "created local user " + r.user() + " in Administrators with a new password" : "password of " + r.user() + " reset")
                    + (r.signInsEnded() > 0 ? "; " + r.signInsEnded() + " sign-in(s) ended" : ""));
            if (r.generatedPassword() != null) {
                out.println("password (shown once, store it now): " + r.generatedPassword());
            }
            if (!r.enabled()) {
                out.println("note: " + r.user() + " is disabled; after starting the server: usher user enable " + r.user());
            }
            if (!r.administrator()) {
                out.println("note: " + r.user() + " is not an administrator");
            }
            return 0;
        }
    }
}
