package dev.usher.cli.vendor;

import dev.usher.core.license.ProductClaim;
import dev.usher.core.license.VendorKeyFile;
import dev.usher.core.license.VendorKeys;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code usher vendor keygen --out DIR}: a new Ed25519 signing key pair. */
@Command(name = "keygen",
        description = {
                "Create a vendor signing key: DIR/vendor.key (private, readable only by you) and DIR/vendor.pub (public,"
                        + " naming your company and the products the key may license).",
                "Give vendor.pub to your customers' administrators; keep vendor.key secret and backed up:"
                        + " licenses can only be renewed with the same key."},
        mixinStandardHelpOptions = true)
public final class Keygen implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    static final String PRIVATE_FILE = "vendor.key";
    static final String PUBLIC_FILE = "vendor.pub";

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory for vendor.key and vendor.pub; created (owner-only) if missing. Existing keys are never overwritten.")
    Path out;

    @Option(names = "--vendor", required = true, paramLabel = "NAME",
            description = "Your company, as administrators see it next to the key (up to 100 characters).")
    String vendor;

    @Option(names = "--products", required = true, paramLabel = "LIST",
            description = "The products this key may license, comma-separated: names (cad) or prefixes (acme-*)."
                    + " A customer's Usher refuses this key's licenses for any other product.")
    String products;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<ProductClaim> claims = ProductClaim.parseList(products);
        VendorKeyFile.render(VendorKeys.generate().getPublic(), vendor, claims); // checks the vendor name before anything is written
        Path privateFile = out.resolve(PRIVATE_FILE);
        Path publicFile = out.resolve(PUBLIC_FILE);
        // Checked up front so a refusal leaves no half-written pair behind.
        for (Path file : new Path[] {privateFile, publicFile}) {
            if (Files.exists(file)) {
                throw new IllegalArgumentException(file + " already exists; refusing to overwrite a vendor key"
                        + " (licenses signed with it could not be renewed): choose another --out");
            }
        }
        createDirectory(out);
        KeyPair pair = VendorKeys.generate();
        VendorKeys.writePrivateKey(pair.getPrivate(), privateFile);
        VendorKeys.writePublicKey(pair.getPublic(), vendor, claims, publicFile);

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("key id       " + VendorKeys.keyId(pair.getPublic()));
        stdout.println("vendor       " + vendor);
        stdout.println("may license  " + String.join(", ", claims.stream().map(ProductClaim::pattern).toList()));
        stdout.println("private key  " + privateFile);
        stdout.println("public key   " + publicFile);
        stdout.println("give " + PUBLIC_FILE + " to your customers' administrators (they put it into DATA/trusted-keys/);"
                + " keep " + PRIVATE_FILE + " secret");
        stdout.flush();
        return 0;
    }

    static void createDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // Only the new leaf is owner-only; parents created on the way get the usual permissions.
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
