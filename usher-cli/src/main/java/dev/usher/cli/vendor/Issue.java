package dev.usher.cli.vendor;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.core.license.VendorKeys;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code usher vendor issue}: signs a license file for one product of one customer. */
@Command(name = "issue",
        description = "Sign a license file (.lic) for a customer: a server entitlement, seats of features, or both.",
        footer = {
                "",
                "DATE is YYYY-MM-DD (UTC) or an instant like 2027-01-01T00:00:00Z.",
                "--starts YYYY-MM-DD begins at 00:00Z of that day; --expires YYYY-MM-DD means",
                "valid through that day: the license ends at 00:00Z of the following day.",
                "",
                "Example:",
                "  usher vendor issue --key keys/vendor.key --customer \"ACME Corp\" \\",
                "      --product cad --server --installation INSTALLATION-ID \\",
                "      --seats cal=25 --seats designer=5 --expires 2027-12-31 --out acme.lic",
                "",
                "A renewal names the file it renews, so the seats replace the old ones instead of adding up:",
                "  usher vendor issue ... --expires 2028-12-31 --supersedes OLD-LICENSE-ID --out acme-2028.lic"})
public final class Issue implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--key", required = true, paramLabel = "PRIVATE",
            description = "The vendor private key (vendor.key from keygen). The key id is derived from it; no .pub file is needed.")
    Path key;

    @Option(names = "--customer", required = true, paramLabel = "NAME", description = "Who the license is for (up to 200 characters).")
    String customer;

    @Option(names = "--product", required = true, paramLabel = "P",
            description = "The product, 1-64 characters of A-Z a-z 0-9 . _ - (case-sensitive).")
    String product;

    @Option(names = "--server", description = "Include the server entitlement: lets an Usher installation serve the product.")
    boolean server;

    @Option(names = "--installation", paramLabel = "ID",
            description = "Bind the server entitlement to this installation id (shown by `usher status`); needs --server.")
    String installation;

    @Option(names = "--any-installation",
            description = "Let the server entitlement run on ANY Usher installation (no binding): one file then licenses as many"
                    + " servers as it is copied to. --server needs this or --installation.")
    boolean anyInstallation;

    @Option(names = "--supersedes", paramLabel = "ID", arity = "1..*",
            description = "License ids this file renews: once it starts, they stop counting (instead of adding their seats).")
    List<String> supersedes = new ArrayList<>();

    @Option(names = "--seats", paramLabel = "FEATURE=N",
            description = "N concurrent seats of FEATURE; repeat for several features (--seats cal=25 --seats designer=5).")
    List<String> seats = new ArrayList<>();

    @Option(names = "--starts", paramLabel = "DATE", description = "First day (or instant) of validity. Default: today, 00:00Z.")
    String starts;

    @Option(names = "--expires", required = true, paramLabel = "DATE|never",
            description = "Last day of validity (valid through that day, UTC), an instant, or never.")
    String expires;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The license file to write.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Spec
    CommandSpec spec;

    /** Replaceable so tests can pin "today". */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        if (!server && seats.isEmpty()) {
            throw new IllegalArgumentException("nothing to license: give --server, --seats FEATURE=N, or both");
        }
        if ((installation != null || anyInstallation) && !server) {
            throw new IllegalArgumentException((installation != null ? "--installation" : "--any-installation")
                    + " is about the server entitlement, so it needs --server");
        }
        if (server && installation == null && !anyInstallation) {
            throw new IllegalArgumentException("--server needs --installation ID (the customer's installation id, shown by"
                    + " `usher status`), or --any-installation to let this file license every Usher server it is copied to");
        }
        if (installation != null && anyInstallation) {
            throw new IllegalArgumentException("give --installation ID or --any-installation, not both");
        }
        List<UUID> renewed = new ArrayList<>();
        for (String id : supersedes) {
            try {
                UUID uuid = UUID.fromString(id);
                if (!uuid.toString().equals(id)) {
                    throw new IllegalArgumentException(id);
                }
                renewed.add(uuid);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--supersedes '" + id + "': expected a license id like"
                        + " 123e4567-e89b-12d3-a456-426614174000 (usher vendor inspect and usher license list show them)");
            }
        }
        Map<String, Integer> seatsByFeature = parseSeats(seats);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // Today's start rather than now: a vendor clock a few minutes ahead would otherwise make a fresh license
        // "not yet valid" at the customer.
        Instant startsAt = starts == null
                ? LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant()
                : DateArgument.start(starts, "--starts");
        Instant expiresAt = DateArgument.end(expires, "--expires");
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("--expires " + expires + ": the license would already have expired ("
                    + expiresAt + " is in the past)");
        }
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " already exists; use --force to replace it");
        }

        List<Entitlement> entitlements = new ArrayList<>();
        if (server) {
            entitlements.add(Entitlement.server(product, startsAt, expiresAt, installation));
        }
        seatsByFeature.forEach((feature, n) -> entitlements.add(Entitlement.seats(product, feature, n, startsAt, expiresAt)));
        LicensePayload payload = LicensePayload.issue(customer, entitlements, now, renewed);

        PrivateKey privateKey = VendorKeys.readPrivateKey(key);
        LicenseFile file = LicenseSigner.sign(payload, privateKey);
        write(file.text());

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote license " + payload.id() + " to " + out);
        stdout.println();
        EntitlementTable.print(stdout, payload, file.keyId(), now);
        stdout.flush();
        return 0;
    }

    private static Map<String, Integer> parseSeats(List<String> specs) {
        Map<String, Integer> byFeature = new LinkedHashMap<>();
        for (String spec : specs) {
            int equals = spec.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--seats '" + spec + "': expected FEATURE=N, e.g. --seats cal=25");
            }
            String feature = spec.substring(0, equals);
            int n;
            try {
                n = Integer.parseInt(spec.substring(equals + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seats '" + spec + "': N must be a whole number, e.g. --seats cal=25");
            }
            if (byFeature.putIfAbsent(feature, n) != null) {
                throw new IllegalArgumentException("--seats " + feature + " is given twice: give each feature once");
            }
        }
        return byFeature;
    }

    private void write(String text) {
        List<OpenOption> options = force
                ? List.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)
                : List.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, text, StandardCharsets.UTF_8, options.toArray(OpenOption[]::new));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(out + " already exists; use --force to replace it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
