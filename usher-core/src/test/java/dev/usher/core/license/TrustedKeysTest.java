package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryTrustsNothing() {
        TrustedKeys keys = TrustedKeys.loadDirectory(dir.resolve("trusted-keys"));

        assertThat(keys.keyIds()).isEmpty();
        assertThat(keys.directory()).contains(dir.resolve("trusted-keys"));
    }

    @Test
    void loadsEveryPubFileAndIgnoresOtherFiles() throws Exception {
        KeyPair first = VendorKeys.generate();
        KeyPair second = VendorKeys.generate();
        VendorKeys.writePublicKey(first.getPublic(), dir.resolve("acme.pub"));
        VendorKeys.writePublicKey(second.getPublic(), dir.resolve("other.pub"));
        Files.writeString(dir.resolve("README.txt"), "not a key");
        VendorKeys.writePrivateKey(VendorKeys.generate().getPrivate(), dir.resolve("vendor.key"));

        TrustedKeys keys = TrustedKeys.loadDirectory(dir);

        assertThat(keys.keyIds()).containsExactlyInAnyOrder(VendorKeys.keyId(first.getPublic()), VendorKeys.keyId(second.getPublic()));
        assertThat(keys.find(VendorKeys.keyId(first.getPublic()))).contains(first.getPublic());
        assertThat(keys.find("0000000000000000")).isEmpty();
    }

    @Test
    void aGarbledPubFileFailsTheLoadNamingIt() throws Exception {
        VendorKeys.writePublicKey(VendorKeys.generate().getPublic(), dir.resolve("good.pub"));
        Path bad = Files.writeString(dir.resolve("bad.pub"), "hello");

        assertThatThrownBy(() -> TrustedKeys.loadDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad + ": ");
    }

    @Test
    void withMakesANewSetAndLeavesTheOldOneAlone() {
        KeyPair first = VendorKeys.generate();
        KeyPair second = VendorKeys.generate();
        TrustedKeys one = TrustedKeys.of(first.getPublic());

        TrustedKeys two = one.with(second.getPublic());

        assertThat(one.keyIds()).containsExactly(VendorKeys.keyId(first.getPublic()));
        assertThat(two.keyIds()).hasSize(2);
        assertThat(one.withAll(TrustedKeys.of(second.getPublic())).keyIds()).isEqualTo(two.keyIds());
        assertThatThrownBy(() -> two.keyIds().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
