package dev.usher.core.license;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * The vendor's Ed25519 signing keys: generation, key ids and PEM files.
 *
 * <p>Files are standard PEM: the private key is PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the public key
 * X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}), the same as
 * {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write, so vendors can keep
 * keys in whatever tooling they already have.
 *
 * <p>Errors reading a key file are {@link IllegalArgumentException}s with one line naming the file.
 */
public final class VendorKeys {

    private static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";
    /** A PEM Ed25519 key is about 120 bytes; anything much bigger is the wrong file. */
    private static final long MAX_KEY_FILE_SIZE = 64 * 1024;

    private VendorKeys() {
    }

    public static KeyPair generate() {
        return generator(null).generateKeyPair();
    }

    /**
     * The key id: the first 16 hex digits (lowercase) of SHA-256 over the key's X.509 SubjectPublicKeyInfo
     * encoding. Short enough to read out on the phone, long enough that two vendors' keys do not collide.
     */
    public static String keyId(PublicKey key) {
        requireEd25519(key, "public key");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * The public half of an Ed25519 private key.
     *
     * <p>An Ed25519 public key is a pure function of the 32-byte private seed, but the JDK exposes that
     * function only through its key pair generator, which draws the seed from the {@link SecureRandom} it is
     * given. So the seed is handed to the generator as its "randomness". The result is checked with a
     * signature round trip: should a future JDK draw its randomness differently, this fails loudly instead
     * of returning a wrong key.
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        requireEd25519(key, "private key");
        if (!(key instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new IllegalArgumentException("cannot derive the public key: the private key's bytes are not accessible");
        }
        byte[] seed = edKey.getBytes().orElseThrow();
        PublicKey derived = generator(new FixedSeed(seed)).generateKeyPair().getPublic();
        if (!signsFor(key, derived)) {
            throw new IllegalStateException("deriving the Ed25519 public key failed: this JDK's key generator does not"
                    + " use the seed as expected");
        }
        return derived;
    }

    /**
     * Writes {@code key} as PKCS#8 PEM to a new file readable and writable only by its owner. The
     * permissions are set when the file is created (not changed afterwards), so there is no moment in which
     * another user could open it. Refuses to replace an existing file: a lost vendor key cannot sign renewals.
     * On file systems without POSIX permissions (Windows) the file inherits the directory's access rules.
     */
    public static void writePrivateKey(PrivateKey key, Path file) {
        requireEd25519(key, "private key");
        writeNew(file, Pem.encode(PRIVATE_LABEL, key.getEncoded()), true);
    }

    /**
     * Writes {@code key} as bare X.509 PEM to a new file: an old-format key file, which names no vendor and no
     * products (see {@link VendorKeyFile}). Refuses to replace an existing file (a key is an identity).
     */
    public static void writePublicKey(PublicKey key, Path file) {
        requireEd25519(key, "public key");
        writeNew(file, Pem.encode(PUBLIC_LABEL, key.getEncoded()), false);
    }

    /** Writes the key file of {@code key} naming its vendor and products (see {@link VendorKeyFile}); never replaces a file. */
    public static void writePublicKey(PublicKey key, String vendor, java.util.List<ProductClaim> products, Path file) {
        writeNew(file, VendorKeyFile.render(key, vendor, products), false);
    }

    public static PrivateKey readPrivateKey(Path file) {
        byte[] der = Pem.decode(PRIVATE_LABEL, readKeyFile(file), file);
        try {
            return keyFactory().generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not an Ed25519 private key");
        }
    }

    /** The public key of a key file, with or without the vendor's headers (see {@link VendorKeyFile}). */
    public static PublicKey readPublicKey(Path file) {
        return VendorKeyFile.read(file).publicKey();
    }

    /** The Ed25519 public key of the first PUBLIC KEY block of {@code text}; {@code source} names it in messages. */
    static PublicKey publicKeyFromPem(String text, Object source) {
        byte[] der = Pem.decode(PUBLIC_LABEL, text, source);
        PublicKey key;
        try {
            key = keyFactory().generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not an Ed25519 public key");
        }
        return key;
    }

    /** Throws {@link IllegalArgumentException} unless {@code key} is an Ed25519 key (not Ed448, RSA, ...). */
    static void requireEd25519(Key key, String what) {
        if (key == null) {
            throw new IllegalArgumentException("no " + what);
        }
        if (!(key instanceof EdECKey edKey) || !ALGORITHM.equalsIgnoreCase(edKey.getParams().getName())) {
            throw new IllegalArgumentException("the " + what + " is not an Ed25519 key (it is " + key.getAlgorithm() + ")");
        }
    }

    private static boolean signsFor(PrivateKey privateKey, PublicKey publicKey) {
        try {
            byte[] probe = "usher key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String readKeyFile(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(file + ": is a directory, not a key file");
            }
            if (Files.size(file) > MAX_KEY_FILE_SIZE) {
                throw new IllegalArgumentException(file + ": too large to be a key file");
            }
            // ISO-8859-1 maps every byte to a character, so a binary file gets "no PEM block", not a decoding error.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static void writeNew(Path file, String pem, boolean ownerOnly) {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean posix = ownerOnly && posixFileSystem(file);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        boolean created = false;
        try (SeekableByteChannel channel = Files.newByteChannel(file, options, attributes)) {
            created = true;
            ByteBuffer bytes = ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(file + ": already exists; refusing to overwrite a key file");
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": the directory does not exist");
        } catch (IOException e) {
            if (created) {
                deleteHalfWritten(file);
            }
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteHalfWritten(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the write error is the one worth reporting
        }
    }

    private static boolean posixFileSystem(Path file) {
        Path absolute = file.toAbsolutePath();
        return absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static KeyPairGenerator generator(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            if (random != null) {
                generator.initialize(NamedParameterSpec.ED25519, random);
            }
            return generator;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    private static KeyFactory keyFactory() {
        try {
            return KeyFactory.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** "Randomness" that is the given seed; only for {@link #publicKeyOf(PrivateKey)}. */
    private static final class FixedSeed extends SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
