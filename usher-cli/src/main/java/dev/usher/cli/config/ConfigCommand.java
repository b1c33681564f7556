package dev.usher.cli.config;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.server.tls.CertificateAndKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code usher config check|show|template}: the configuration file, checked and explained. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check and show the server's configuration (see docs/CONFIGURATION.md).",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class, ConfigCommand.Template.class, ConfigCommand.Docs.class})
public final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a configuration file: unknown keys, bad values, HTTPS files. Exit 1 if anything is wrong.")
    public static final class Check implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file (default: DATA/usher.properties).")
        Path file;

        @Option(names = "--data", description = "Data directory whose usher.properties to check (default ./data; env USHER_DATA).")
        Path data;

        Environment env = Environment.system();

        @Override
        public Integer call() {
            Path target = file != null ? file : env.dataDir(data).resolve(Configuration.FILE_NAME);
            if (!Files.exists(target)) {
                throw new CliException("the configuration file " + target + " does not exist");
            }
            Configuration c;
            if (file != null) {
                c = Configuration.resolve(Map.of(), file, new Environment(Map.of()));
            } else {
                // The data directory's own file: checked as `usher serve` would read it (no data key there).
                c = Configuration.resolve(Map.of(Setting.DATA, env.dataDir(data).toString()), null, new Environment(Map.of()));
            }
            List<String> problems = new ArrayList<>(c.problems());
            List<String> warnings = new ArrayList<>();
            if (problems.isEmpty()) {
                checkTls(c, problems, warnings);
                checkSecrets(c, target, warnings);
            }
            PrintWriter err = spec.commandLine().getErr();
            problems.forEach(err::println);
            warnings.forEach(w -> err.println("warning: " + w));
            err.flush();
            if (!problems.isEmpty()) {
                return 1;
            }
            int set = c.file().map(f -> f.entries().size()).orElse(0);
            spec.commandLine().getOut().println(target + ": ok (" + set + (set == 1 ? " setting" : " settings") + ")");
            return 0;
        }

        private static void checkTls(Configuration c, List<String> problems, List<String> warnings) {
            Configuration.Value cert = c.value(Setting.TLS_CERT);
            if (cert.value() == null) {
                return;
            }
            try {
                CertificateAndKey material = CertificateAndKey.read(c.path(Setting.TLS_CERT), c.path(Setting.TLS_KEY));
                if (material.notAfter().isBefore(Instant.now())) {
                    problems.add(cert.origin() + ": the certificate expired on " + material.notAfter());
                } else if (material.notAfter().isBefore(Instant.now().plus(java.time.Duration.ofDays(30)))) {
                    warnings.add(cert.origin() + ": the certificate expires on " + material.notAfter());
                }
            } catch (IllegalArgumentException e) {
                problems.add(cert.origin() + ": " + e.getMessage());
            }
        }

        private static void checkSecrets(Configuration c, Path file, List<String> warnings) {
            List<String> secrets = c.all().stream().filter(v -> v.setting().secret() && v.source() == Configuration.Source.FILE)
                    .map(v -> v.setting().key()).toList();
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (!secrets.isEmpty() && (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ))) {
                    warnings.add(file + " holds a secret (" + String.join(", ", secrets) + ") and others can read it: chmod 600 " + file);
                }
            } catch (IOException | UnsupportedOperationException ignored) {
                // not a POSIX file system: nothing to say
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show every setting `usher serve` would use with these flags' defaults, and where each value comes from.")
    public static final class Show implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (env USHER_CONFIG).")
        Path config;

        @Option(names = "--data", description = "Data directory (env USHER_DATA).")
        Path data;

        Environment env = Environment.system();

        @Override
        public void run() {
            Configuration c = Configuration.resolve(data == null ? Map.of() : Map.of(Setting.DATA, data.toString()), config, env);
            if (!c.problems().isEmpty()) {
                throw new CliException(c.problems().getFirst());
            }
            PrintWriter out = spec.commandLine().getOut();
            c.file().ifPresent(f -> out.println("# file: " + f.path().toAbsolutePath()));
            for (Configuration.Value v : c.all()) {
                String shown = v.value() == null ? "" : v.setting().secret() ? "(set)" : display(v.value());
                out.printf("%-16s = %-40s # %s%n", v.setting().key(), shown, v.origin());
            }
        }

        private static String display(Object v) {
            return v instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList()) : v.toString();
        }
    }

    @Command(name = "template", mixinStandardHelpOptions = true, description = "Print a usher.properties with every key at its default, commented out.")
    public static final class Template implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(ConfigurationDocs.template());
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "docs", hidden = true, description = "Print the settings table of docs/CONFIGURATION.md.")
    public static final class Docs implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(ConfigurationDocs.table());
            spec.commandLine().getOut().flush();
        }
    }
}
