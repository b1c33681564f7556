package dev.usher.cli.vendor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code usher vendor}: the vendor's offline tooling. It needs no server and no data directory, only the
 * vendor key: create it once ({@code keygen}), sign license files with it ({@code issue}), and look at any
 * license file ({@code inspect}).
 */
@Command(name = "vendor",
        description = "Vendor tools: create a signing key, issue license files, inspect them. Runs offline.",
        subcommands = {Keygen.class, PublicKeyFile.class, Issue.class, Inspect.class})
public final class VendorCommand implements Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "usher vendor needs a command: keygen, pubkey, issue or inspect");
    }
}
