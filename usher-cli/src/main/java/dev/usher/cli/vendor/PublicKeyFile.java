package dev.usher.cli.vendor;

import dev.usher.core.license.ProductClaim;
import dev.usher.core.license.VendorKeys;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code usher vendor pubkey}: writes the public key file of an existing vendor key, naming the vendor and its
 * products. How a key made before key files named their products gets its new file (customers' servers keep
 * reading the old one, but it can license no new product), and how a vendor changes the products a key may license.
 */
@Command(name = "pubkey",
        description = {"Write the public key file (vendor.pub) of your existing key, naming your company and the products it may license.",
                "Use it to replace an old vendor.pub that names no products, or to license a new product with the same key."},
        mixinStandardHelpOptions = true)
public final class PublicKeyFile implements Callable<Integer> {

    @Option(names = "--key", required = true, paramLabel = "PRIVATE", description = "Your private key (vendor.key).")
    Path key;

    @Option(names = "--vendor", required = true, paramLabel = "NAME", description = "Your company, as administrators see it.")
    String vendor;

    @Option(names = "--products", required = true, paramLabel = "LIST",
            description = "The products the key may license, comma-separated: names (cad) or prefixes (acme-*).")
    String products;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The key file to write (never replaced).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<ProductClaim> claims = ProductClaim.parseList(products);
        PublicKey publicKey = VendorKeys.publicKeyOf(VendorKeys.readPrivateKey(key));
        VendorKeys.writePublicKey(publicKey, vendor, claims, out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + out + ": key " + VendorKeys.keyId(publicKey) + " of vendor " + vendor + ", may license "
                + String.join(", ", claims.stream().map(ProductClaim::pattern).toList()));
        stdout.println("give it to your customers' administrators: usher license key add " + out.getFileName()
                + " (it replaces the key's old file)");
        stdout.flush();
        return 0;
    }
}
