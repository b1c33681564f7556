package dev.usher.cli.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.license.LicenseVerifier;
import dev.usher.core.license.TrustedKeys;
import dev.usher.core.license.VendorKeys;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class VendorCommandTest {

    private static final String INSTALLATION = "5f0c7a52-3d1e-4a8b-9c6f-2b7e1d0a4c33";
    private static final Instant NOW = Instant.parse("2026-05-04T15:16:17Z");

    @TempDir
    Path dir;

    private Path keys;
    private Path privateKey;
    private Path publicKey;

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    @BeforeEach
    void createVendorKey() {
        keys = dir.resolve("keys");
        privateKey = keys.resolve("vendor.key");
        publicKey = keys.resolve("vendor.pub");
        assertThat(run("keygen", "--out", keys.toString(), "--vendor", "Acme Software", "--products", "cad, acme-*").exitCode()).isZero();
    }

    @Test
    void keygenWritesAnOwnerOnlyPrivateKeyAPublicKeyAndSaysWhatToDoWithThem() throws Exception {
        String keyId = VendorKeys.keyId(VendorKeys.readPublicKey(publicKey));
        Path other = dir.resolve("new/nested");

        Result result = run("keygen", "--out", other.toString(), "--vendor", "Acme Software", "--products", "cad,cam");

        assertThat(result.exitCode()).isZero();
        assertThat(Files.readString(other.resolve("vendor.pub"))).contains("\nVendor: Acme Software\nProducts: cad, cam\n-----BEGIN PUBLIC KEY-----");
        assertThat(result.out()).contains("vendor       Acme Software").contains("may license  cad, cam");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other.resolve("vendor.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other))).isEqualTo("rwx------");
        String newKeyId = VendorKeys.keyId(VendorKeys.readPublicKey(other.resolve("vendor.pub")));
        assertThat(VendorKeys.keyId(VendorKeys.publicKeyOf(VendorKeys.readPrivateKey(other.resolve("vendor.key"))))).isEqualTo(newKeyId);
        assertThat(newKeyId).isNotEqualTo(keyId);
        assertThat(result.out()).contains("key id       " + newKeyId)
                .contains("private key  " + other.resolve("vendor.key"))
                .contains("public key   " + other.resolve("vendor.pub"))
                .contains("give vendor.pub to your customers' administrators (they put it into DATA/trusted-keys/); keep vendor.key secret");
    }

    @Test
    void keygenRefusesToOverwriteAnExistingKey() throws Exception {
        String before = Files.readString(privateKey);

        Result result = run("keygen", "--out", keys.toString(), "--vendor", "Acme", "--products", "cad");

        assertOneLineError(result, "usher: " + privateKey + " already exists; refusing to overwrite a vendor key");
        assertOneLineError(run("keygen", "--out", dir.resolve("k2").toString(), "--vendor", "Acme", "--products", "cad,,cam"),
                "usher: the product list \"cad,,cam\" has an empty entry");
        assertThat(dir.resolve("k2")).doesNotExist();
        assertThat(Files.readString(privateKey)).isEqualTo(before);
    }

    @Test
    void issueWritesASignedLicenseWithWholeDaysInUtc() {
        Path lic = dir.resolve("out/acme.lic");

        Result result = run("issue", "--key", privateKey.toString(), "--customer", "ACME Corp", "--product", "cad",
                "--server", "--installation", INSTALLATION, "--seats", "cal=25", "--seats", "designer=5",
                "--starts", "2026-01-01", "--expires", "2026-12-31", "--out", lic.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        LicensePayload payload = verifiedPayload(lic);
        Instant starts = Instant.parse("2026-01-01T00:00:00Z");
        Instant expires = Instant.parse("2027-01-01T00:00:00Z");
        assertThat(payload.customer()).isEqualTo("ACME Corp");
        assertThat(payload.issued()).isEqualTo(NOW);
        assertThat(payload.entitlements()).containsExactly(
                Entitlement.server("cad", starts, expires, INSTALLATION),
                Entitlement.seats("cad", "cal", 25, starts, expires),
                Entitlement.seats("cad", "designer", 5, starts, expires));
        assertThat(result.out()).contains("wrote license " + payload.id() + " to " + lic)
                .contains("customer  ACME Corp")
                // The dates as written: valid through 2026-12-31, not "until 2027-01-01".
                .containsPattern("cad +cal +seats +25 +2026-01-01 +2026-12-31 +- +active");
    }

    @Test
    void issueStartsTodayByDefaultAndCanNeverExpire() {
        Path lic = dir.resolve("forever.lic");

        Result result = run("issue", "--key", privateKey.toString(), "--customer", "ACME", "--product", "cad", "--server",
                "--any-installation", "--expires", "never", "--out", lic.toString());
        assertThat(result.exitCode()).isZero();
        // Loudly: one such file licenses every server it is copied to.
        assertThat(result.out()).containsPattern("cad +server +server +- +2026-05-04 +never +ANY +active")
                .contains("WARNING: the server entitlement for cad is bound to NO installation");

        Entitlement server = verifiedPayload(lic).entitlements().getFirst();
        assertThat(server.kind()).isEqualTo(EntitlementKind.SERVER);
        assertThat(server.starts()).isEqualTo(Instant.parse("2026-05-04T00:00:00Z"));
        assertThat(server.expires()).isNull();
        assertThat(server.installationId()).isNull();
    }

    @Test
    void issueTakesFullInstantsAsTheyAre() {
        Path lic = dir.resolve("exact.lic");

        assertThat(run("issue", "--key", privateKey.toString(), "--customer", "ACME", "--product", "cad", "--seats", "cal=3",
                "--starts", "2026-06-01T12:00:00Z", "--expires", "2026-07-01T12:30:00Z", "--out", lic.toString()).exitCode())
                .isZero();

        Entitlement seats = verifiedPayload(lic).entitlements().getFirst();
        assertThat(seats.starts()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(seats.expires()).isEqualTo(Instant.parse("2026-07-01T12:30:00Z"));
    }

    @Test
    void issueRefusesToOverwriteWithoutForce() throws Exception {
        Path lic = Files.writeString(dir.resolve("taken.lic"), "keep me");
        String[] args = {"issue", "--key", privateKey.toString(), "--customer", "ACME", "--product", "cad", "--server",
                "--any-installation", "--expires", "never", "--out", lic.toString()};

        assertOneLineError(run(args), "usher: " + lic + " already exists; use --force to replace it");
        assertThat(Files.readString(lic)).isEqualTo("keep me");

        String[] forced = java.util.Arrays.copyOf(args, args.length + 1);
        forced[args.length] = "--force";
        assertThat(run(forced).exitCode()).isZero();
        assertThat(verifiedPayload(lic).customer()).isEqualTo("ACME");
    }

    @Test
    void issueExplainsWhatIsWrongInOneLine() {
        String key = privateKey.toString();
        String out = dir.resolve("x.lic").toString();

        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--expires", "never", "--out", out),
                "usher: nothing to license: give --server, --seats FEATURE=N, or both");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--seats", "cal=1",
                "--installation", INSTALLATION, "--expires", "never", "--out", out),
                "usher: --installation is about the server entitlement, so it needs --server");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--server",
                "--expires", "never", "--out", out),
                "usher: --server needs --installation ID (the customer's installation id, shown by `usher status`), or"
                        + " --any-installation to let this file license every Usher server it is copied to");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--server", "--any-installation",
                "--installation", INSTALLATION, "--expires", "never", "--out", out),
                "usher: give --installation ID or --any-installation, not both");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--seats", "cal=1",
                "--supersedes", "last-year", "--expires", "never", "--out", out),
                "usher: --supersedes 'last-year': expected a license id like 123e4567-e89b-12d3-a456-426614174000");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--seats", "cal",
                "--expires", "never", "--out", out), "usher: --seats 'cal': expected FEATURE=N, e.g. --seats cal=25");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--seats", "cal=many",
                "--expires", "never", "--out", out), "usher: --seats 'cal=many': N must be a whole number");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--seats", "cal=0",
                "--expires", "never", "--out", out), "usher: seats must be from 1 to 1000000, not 0");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--seats", "cal=1",
                "--seats", "cal=2", "--expires", "never", "--out", out), "usher: --seats cal is given twice");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "my cad", "--server", "--any-installation",
                "--expires", "never", "--out", out), "usher: product \"my cad\" is not a valid name");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--server", "--any-installation",
                "--expires", "31.12.2027", "--out", out),
                "usher: --expires '31.12.2027': expected a date YYYY-MM-DD or an instant like 2027-01-01T00:00:00Z, or never");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--server", "--any-installation",
                "--expires", "2026-02-30", "--out", out), "usher: --expires '2026-02-30': expected a date");
        assertOneLineError(run("issue", "--key", key, "--customer", "A", "--product", "cad", "--server", "--any-installation",
                "--expires", "2026-05-03", "--out", out),
                "usher: --expires 2026-05-03: the license would already have expired (2026-05-04T00:00:00Z is in the past)");
        assertOneLineError(run("issue", "--key", dir.resolve("nope.key").toString(), "--customer", "A", "--product", "cad",
                "--server", "--any-installation", "--expires", "never", "--out", out), "usher: " + dir.resolve("nope.key") + ": no such file");
        assertOneLineError(run("issue", "--key", publicKey.toString(), "--customer", "A", "--product", "cad",
                "--server", "--any-installation", "--expires", "never", "--out", out),
                "usher: " + publicKey + ": expected a '-----BEGIN PRIVATE KEY-----' block, found '-----BEGIN PUBLIC KEY-----'");
        assertThat(dir.resolve("x.lic")).doesNotExist();
    }

    @Test
    void missingRequiredOptionsAreUsageErrors() {
        Result result = run("issue", "--key", privateKey.toString());

        assertThat(result.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(result.err()).contains("Missing required options");
    }

    @Test
    void inspectShowsThePayloadAndAValidSignature() {
        Path lic = issue("acme.lic");
        String keyId = VendorKeys.keyId(VendorKeys.readPublicKey(publicKey));

        Result result = run("inspect", lic.toString(), "--public-key", publicKey.toString());

        assertThat(result.exitCode()).isZero();
        LicensePayload payload = verifiedPayload(lic);
        assertThat(result.out()).contains("license   " + payload.id())
                .contains("customer  ACME Corp")
                .contains("issued    2026-05-04T15:16:17Z")
                .contains("key id    " + keyId)
                .containsPattern("PRODUCT +FEATURE +KIND +SEATS +FROM +THROUGH +INSTALLATION +NOW")
                .containsPattern("cad +server +server +- +2026-01-01 +2026-12-31 +" + INSTALLATION + " +active")
                .containsPattern("cad +cal +seats +25 ")
                .endsWith("signature: valid (key " + keyId + ")\n");
    }

    @Test
    void inspectWithoutAPublicKeySaysTheSignatureWasNotChecked() {
        Path lic = issue("acme.lic");
        String keyId = VendorKeys.keyId(VendorKeys.readPublicKey(publicKey));

        Result result = run("inspect", lic.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("customer  ACME Corp")
                .endsWith("signature: not checked (key id " + keyId + "; pass --public-key)\n");
    }

    @Test
    void inspectWithAnotherVendorsKeyIsNotValid() {
        Path lic = issue("acme.lic");
        Path otherKeys = dir.resolve("other");
        run("keygen", "--out", otherKeys.toString(), "--vendor", "Other", "--products", "viewer");
        String otherKeyId = VendorKeys.keyId(VendorKeys.readPublicKey(otherKeys.resolve("vendor.pub")));

        Result result = run("inspect", lic.toString(), "--public-key", otherKeys.resolve("vendor.pub").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).endsWith("signature: NOT VALID: signed by key "
                + VendorKeys.keyId(VendorKeys.readPublicKey(publicKey)) + ", but --public-key is key " + otherKeyId + "\n");
    }

    @Test
    void inspectOfATamperedFileIsNotValid() throws Exception {
        Path lic = issue("acme.lic");
        Path other = issue("other.lic");
        // Splice the other license's signature (same key, other content) onto this one's payload.
        String text = Files.readString(lic);
        String otherText = Files.readString(other);
        String spliced = text.substring(0, text.indexOf("Signature:")) + otherText.substring(otherText.indexOf("Signature:"));
        Files.writeString(lic, spliced);

        Result result = run("inspect", lic.toString(), "--public-key", publicKey.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("customer  ACME Corp")
                .contains("signature: NOT VALID: the signature does not match the content");
    }

    @Test
    void inspectOfAGarbledFileNamesTheFileAndTheLine() throws Exception {
        Path lic = Files.writeString(dir.resolve("garbled.lic"), "-----BEGIN USHER LICENSE-----\nKey-Id: XYZ\n");

        assertOneLineError(run("inspect", lic.toString()),
                "usher: " + lic + ": line 2: expected 'Key-Id: <16 lowercase hex digits>'");
        assertOneLineError(run("inspect", dir.resolve("missing.lic").toString()),
                "usher: " + dir.resolve("missing.lic") + ": no such file");
    }

    @Test
    void vendorAloneIsAUsageErrorListingTheCommands() {
        Result result = run();

        assertThat(result.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(result.err()).contains("usher vendor needs a command: keygen, pubkey, issue or inspect").contains("keygen", "issue", "inspect");
    }

    @Test
    void aRenewalNamesTheFilesItSupersedesAndInspectShowsThem() {
        Path old = issue("acme-2026.lic");
        String oldId = verifiedPayload(old).id().toString();
        Path renewal = dir.resolve("acme-2027.lic");

        Result result = run("issue", "--key", privateKey.toString(), "--customer", "ACME Corp", "--product", "cad",
                "--seats", "cal=25", "--starts", "2027-01-01", "--expires", "2027-12-31", "--supersedes", oldId, "--out", renewal.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(verifiedPayload(renewal).supersedes()).containsExactly(java.util.UUID.fromString(oldId));
        assertThat(run("inspect", renewal.toString()).out())
                .contains("renews    " + oldId + " (supersedes it: it stops counting once this license starts)");
    }

    @Test
    void inspectSaysWhenTheKeyFileDoesNotNameTheProduct() {
        Path lic = dir.resolve("viewer.lic");
        assertThat(run("issue", "--key", privateKey.toString(), "--customer", "ACME", "--product", "viewer", "--seats", "cal=1",
                "--expires", "never", "--out", lic.toString()).exitCode()).isZero();
        String keyId = VendorKeys.keyId(VendorKeys.readPublicKey(publicKey));

        Result result = run("inspect", lic.toString(), "--public-key", publicKey.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("signature: valid").endsWith("products: NOT VALID: key " + keyId + " of vendor Acme Software"
                + " may not license product viewer (it may license cad, acme-*): Usher refuses this file; write a key file naming it"
                + " with usher vendor pubkey\n");
    }

    @Test
    void pubkeyWritesTheKeyFileOfAnExistingKeyNamingNewProducts() throws Exception {
        Path newPub = dir.resolve("vendor-2.pub");

        Result result = run("pubkey", "--key", privateKey.toString(), "--vendor", "Acme Software", "--products", "cad, viewer",
                "--out", newPub.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        var key = dev.usher.core.license.VendorKeyFile.read(newPub);
        assertThat(key.publicKey()).isEqualTo(VendorKeys.readPublicKey(publicKey));
        assertThat(key.productList()).isEqualTo("cad, viewer");
        assertThat(result.out()).contains("usher license key add vendor-2.pub");
    }

    @Test
    void issueHelpExplainsTheDateRules() {
        Result result = run("issue", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("--expires YYYY-MM-DD means", "valid through that day")
                .contains("The key id is derived from it; no .pub file is");
    }

    private Path issue(String name) {
        Path lic = dir.resolve(name);
        Result result = run("issue", "--key", privateKey.toString(), "--customer", "ACME Corp", "--product", "cad",
                "--server", "--installation", INSTALLATION, "--seats", "cal=25",
                "--starts", "2026-01-01", "--expires", "2026-12-31", "--out", lic.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        return lic;
    }

    private LicensePayload verifiedPayload(Path lic) {
        try {
            return LicenseVerifier.verifySignature(LicenseFile.parse(Files.readString(lic)), TrustedKeys.loadDirectory(keys));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOneLineError(Result result, String expectedStart) {
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith(expectedStart).doesNotContain("\tat ");
    }

    /** Runs {@code usher vendor ARGS} with a clock pinned to {@link #NOW} and an error handler shaped like the root command's. */
    private Result run(String... args) {
        CommandLine vendor = new CommandLine(new VendorCommand());
        pin(vendor, "issue", (Issue issue) -> issue.clock = Clock.fixed(NOW, ZoneOffset.UTC));
        pin(vendor, "inspect", (Inspect inspect) -> inspect.clock = Clock.fixed(NOW, ZoneOffset.UTC));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        vendor.setOut(new PrintWriter(out, true));
        vendor.setErr(new PrintWriter(err, true));
        vendor.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof IllegalArgumentException || exception instanceof LicenseRejection
                    || exception instanceof UncheckedIOException) {
                commandLine.getErr().println("usher: " + exception.getMessage());
                return 1;
            }
            throw exception;
        });
        int exitCode = vendor.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static <T> void pin(CommandLine vendor, String name, Consumer<T> setClock) {
        setClock.accept(vendor.getSubcommands().get(name).getCommand());
    }
}
