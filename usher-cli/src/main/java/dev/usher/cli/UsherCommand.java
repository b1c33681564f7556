package dev.usher.cli;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.cli.admin.LicenseCommand;
import dev.usher.cli.admin.ReleaseCommand;
import dev.usher.cli.admin.StatusCommand;
import dev.usher.cli.assignment.ExplainCommand;
import dev.usher.cli.assignment.RulesCommand;
import dev.usher.cli.bench.BenchCommand;
import dev.usher.cli.identity.AdminCommand;
import dev.usher.cli.identity.AuthCommand;
import dev.usher.cli.identity.DoctorCommand;
import dev.usher.cli.identity.RoleCommand;
import dev.usher.cli.identity.TokenCommand;
import dev.usher.cli.identity.UserCommand;
import dev.usher.cli.vendor.VendorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code usher} command. */
@Command(name = "usher", mixinStandardHelpOptions = true, versionProvider = UsherCommand.Version.class,
        description = "Usher: an on-premise license server (signed license files, concurrent seats, one seat per person).",
        subcommands = {ServeCommand.class, LicenseCommand.class, StatusCommand.class, ReleaseCommand.class,
                UserCommand.class, RoleCommand.class, TokenCommand.class, DoctorCommand.class, AuthCommand.class, AdminCommand.class,
                RulesCommand.class, ExplainCommand.class, dev.usher.cli.report.UsageCommand.class,
                dev.usher.cli.report.AuditCommand.class, VendorCommand.class, BenchCommand.class,
                dev.usher.cli.config.ConfigCommand.class, dev.usher.cli.tls.TlsCommand.class, dev.usher.cli.backup.BackupCommand.class,
                dev.usher.cli.backup.RestoreCommand.class, AotTrainingCommand.class, CommandLine.HelpCommand.class})
public final class UsherCommand {

    private static final String VERBOSE = "Show stack traces on errors.";

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = VERBOSE)
    static boolean verbose;

    /**
     * The root {@code usher serve} runs under: the same name and inherited option as {@link UsherCommand}, and only the
     * {@code serve} command under it, so that what {@code usher serve ...} accepts, prints and does is the same. Why: picocli
     * builds its model of every command and option by reflection before it parses anything, and with all twenty
     * commands that was the largest single share of a server's start (docs/BENCHMARKS.md, "Start-up").
     */
    @Command(name = "usher", subcommands = ServeCommand.class)
    static final class ServeOnly {
        @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = VERBOSE)
        void verbose(boolean on) {
            UsherCommand.verbose = on;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line; errors become one line on {@code err} and a non-zero exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(args.length > 0 && args[0].equals("serve") ? new ServeOnly() : new UsherCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            commandLine.getErr().println("usher: " + msg.lines().findFirst().orElse(msg));
            return e instanceof CliException ce ? ce.exitCode() : 1;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"usher " + dev.usher.server.UsherServer.VERSION
                    + dev.usher.server.install.BuildInfo.buildTime().map(t -> " (built " + t + ")").orElse("")};
        }
    }
}
