package dev.usher.cli.vendor;

import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.license.LicenseVerifier;
import dev.usher.core.license.TrustedKey;
import dev.usher.core.license.TrustedKeys;
import dev.usher.core.license.VendorKeyFile;
import dev.usher.core.license.VendorKeys;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code usher vendor inspect FILE [--public-key PUB]}: what a license grants, and whether its signature holds. */
@Command(name = "inspect",
        description = "Show what a license file grants and, given the vendor's public key, whether its signature is valid.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the signature is valid, or was not checked", "1:the signature is not valid (errors, such as an unreadable file, also exit non-zero)"})
public final class Inspect implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** License files are a few KB; the parser allows 256 KiB of text, this only avoids reading a huge wrong file. */
    private static final long MAX_FILE_SIZE = 1024 * 1024;

    @Parameters(index = "0", paramLabel = "FILE", description = "The license file (.lic).")
    Path file;

    @Option(names = "--public-key", paramLabel = "PUB", description = "The vendor public key (vendor.pub) to check the signature with.")
    Path publicKey;

    @Spec
    CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        LicenseFile license;
        try {
            license = LicenseFile.parse(read(file));
        } catch (LicenseRejection e) {
            throw new LicenseRejection(e.reason(), file + ": " + e.getMessage());
        }
        TrustedKey trusted = publicKey == null ? null : VendorKeyFile.read(publicKey);
        PublicKey key = trusted == null ? null : trusted.publicKey();

        PrintWriter stdout = spec.commandLine().getOut();
        EntitlementTable.print(stdout, license.payload(), license.keyId(), clock.instant());
        stdout.println();
        int exitCode = 0;
        if (key == null) {
            stdout.println("signature: not checked (key id " + license.keyId() + "; pass --public-key)");
        } else if (!VendorKeys.keyId(key).equals(license.keyId())) {
            stdout.println("signature: NOT VALID: signed by key " + license.keyId() + ", but --public-key is key "
                    + VendorKeys.keyId(key));
            exitCode = 1;
        } else {
            try {
                LicenseVerifier.verifySignature(license, TrustedKeys.of(key));
                stdout.println("signature: valid (key " + license.keyId() + ")");
                if (!trusted.oldFormat()) {
                    // What a customer's Usher checks next: the key file must name every product of the license.
                    for (String product : license.payload().entitlements().stream().map(e -> e.product()).distinct().toList()) {
                        if (!trusted.covers(product)) {
                            stdout.println("products: NOT VALID: key " + trusted.keyId() + " of vendor " + trusted.vendorName()
                                    + " may not license product " + product + " (it may license " + trusted.productList()
                                    + "): Usher refuses this file; write a key file naming it with usher vendor pubkey");
                            exitCode = 1;
                        }
                    }
                }
            } catch (LicenseRejection e) {
                stdout.println("signature: NOT VALID: " + e.getMessage());
                exitCode = 1;
            }
        }
        stdout.flush();
        return exitCode;
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new IllegalArgumentException(file + ": too large to be a license file");
            }
            // Decoding with replacement characters: a binary or mis-encoded file then fails parsing with a line number.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
