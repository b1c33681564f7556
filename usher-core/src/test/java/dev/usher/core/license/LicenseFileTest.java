package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class LicenseFileTest {

    private final LicenseFile file = LicenseFixtures.signed();
    private final String text = file.text();

    @Test
    void rendersHeaderKeyIdWrappedBase64AndFooterWithOneFinalNewline() {
        List<String> lines = text.lines().toList();
        String payloadBase64 = Base64.getEncoder().encodeToString(file.payloadBytes());
        int payloadLines = (payloadBase64.length() + 63) / 64;

        assertThat(lines.get(0)).isEqualTo("-----BEGIN USHER LICENSE-----");
        assertThat(lines.get(1)).isEqualTo("Key-Id: " + LicenseFixtures.VENDOR_KEY_ID).matches("Key-Id: [0-9a-f]{16}");
        assertThat(lines.get(2)).isEqualTo("Payload:");
        assertThat(String.join("", lines.subList(3, 3 + payloadLines))).isEqualTo(payloadBase64);
        assertThat(lines.subList(3, 3 + payloadLines - 1)).allSatisfy(line -> assertThat(line).hasSize(64));
        assertThat(lines.get(3 + payloadLines)).isEqualTo("Signature:");
        // 64 bytes are 88 base64 characters: a full line and 24 characters ending in "==".
        assertThat(lines.get(4 + payloadLines)).hasSize(64);
        assertThat(lines.get(5 + payloadLines)).hasSize(24).endsWith("==");
        assertThat(lines.get(6 + payloadLines)).isEqualTo("-----END USHER LICENSE-----");
        assertThat(lines).hasSize(7 + payloadLines);
        assertThat(text).endsWith("-----END USHER LICENSE-----\n").doesNotEndWith("\n\n").doesNotContain("\r");
    }

    @Test
    void parsesItsOwnTextBackToAnEqualFile() {
        LicenseFile parsed = LicenseFile.parse(text);

        assertThat(parsed).isEqualTo(file);
        assertThat(parsed.payload()).isEqualTo(LicenseFixtures.payload());
        assertThat(parsed.keyId()).isEqualTo(LicenseFixtures.VENDOR_KEY_ID);
        assertThat(parsed.text()).isEqualTo(text);
    }

    @Test
    void acceptsCrlfLineEndings() {
        assertThat(LicenseFile.parse(text.replace("\n", "\r\n"))).isEqualTo(file);
    }

    @Test
    void acceptsBlankLinesAndIndentationAroundTheWholeText() {
        assertThat(LicenseFile.parse("\n\r\n  \t\n    " + text + "   \t\r\n\n  ")).isEqualTo(file);
    }

    @Test
    void rejectsIndentationInsideTheText() {
        String indented = text.lines().map(line -> "  " + line).reduce("", (a, b) -> a + b + "\n");

        assertMalformed(indented).hasMessage("line 2: expected 'Key-Id: <16 lowercase hex digits>'");
    }

    @Test
    void countsLineNumbersFromTheTopOfThePastedText() {
        String upper = text.replace("Key-Id: " + file.keyId(), "Key-Id: " + file.keyId().toUpperCase());

        assertMalformed(upper).hasMessage("line 2: expected 'Key-Id: <16 lowercase hex digits>'");
        assertMalformed("\n\n" + upper).hasMessage("line 4: expected 'Key-Id: <16 lowercase hex digits>'");
    }

    @Test
    void isCaseSensitiveAboutHeaderAndLabels() {
        assertMalformed(text.replace("BEGIN USHER LICENSE", "BEGIN Usher LICENSE"))
                .hasMessage("line 1: expected '-----BEGIN USHER LICENSE-----', found \"-----BEGIN Usher LICENSE-----\"");
        assertMalformed(text.replace("Payload:", "payload:")).hasMessageStartingWith("line 3: expected 'Payload:'");
        assertMalformed(text.replace("Key-Id:", "Key-ID:")).hasMessageStartingWith("line 2: expected 'Key-Id: ");
        assertMalformed(text.replace("Signature:", "Signature: ")).hasMessageContaining("expected a 'Signature:' line");
    }

    @Test
    void saysWhatItFoundWhenGivenAPublicKeyInstead() {
        String pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";

        assertMalformed(pem).hasMessage("line 1: expected '-----BEGIN USHER LICENSE-----', found \"-----BEGIN PUBLIC KEY-----\"");
    }

    @Test
    void rejectsAMissingFooterAndTextAfterIt() {
        assertMalformed(text.replace("-----END USHER LICENSE-----\n", ""))
                .hasMessageEndingWith("expected '-----END USHER LICENSE-----' after the signature");
        int lastLine = (int) text.lines().count() + 1;
        assertMalformed(text + "Thanks for your order!\n")
                .hasMessage("line " + lastLine + ": unexpected text after '-----END USHER LICENSE-----'");
    }

    @Test
    void rejectsCharactersOutsideTheBase64Alphabet() {
        String line4 = text.lines().toList().get(3);
        String changed = text.replace(line4, line4.substring(0, 9) + "*" + line4.substring(10));

        assertMalformed(changed).hasMessage("line 4: the payload contains '*' at column 10, which is not base64");
    }

    @Test
    void rejectsRewrappedBase64() {
        String signatureBase64 = Base64.getEncoder().encodeToString(file.signature());
        String rewrapped = text.replace(signatureBase64.substring(0, 64) + "\n" + signatureBase64.substring(64),
                signatureBase64.substring(0, 60) + "\n" + signatureBase64.substring(60));

        assertMalformed(rewrapped).hasMessageContaining("the signature is not canonical base64");
        assertMalformed(text.replace("Payload:\n", "Payload:\n\n")).hasMessageContaining("the payload is not canonical base64");
    }

    @Test
    void rejectsMissingPadding() {
        assertMalformed(text.replace("==\n-----END", "\n-----END")).hasMessageContaining("the signature is not canonical base64");
    }

    @Test
    void rejectsNonZeroUnusedBitsEvenThoughJavasDecoderIgnoresThem() {
        String signatureBase64 = Base64.getEncoder().encodeToString(file.signature());
        // The 86th character carries 2 bits of the last byte and 4 unused bits.
        char last = signatureBase64.charAt(85);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char sameBytes = alphabet.charAt(alphabet.indexOf(last) | 1);
        String sloppy = signatureBase64.substring(0, 85) + sameBytes + "==";
        assertThat(Base64.getDecoder().decode(sloppy)).isEqualTo(file.signature());

        String changed = text.replace(signatureBase64.substring(64), sloppy.substring(64));

        assertThat(changed).isNotEqualTo(text);
        assertMalformed(changed).hasMessageContaining("the signature is not canonical base64");
    }

    @Test
    void rejectsASignatureOfTheWrongLength() {
        String signatureBase64 = Base64.getEncoder().encodeToString(file.signature());
        String shorter = Base64.getEncoder().encodeToString(Arrays.copyOf(file.signature(), 63));

        assertMalformed(text.replace(signatureBase64.substring(0, 64) + "\n" + signatureBase64.substring(64),
                shorter.substring(0, 64) + "\n" + shorter.substring(64)))
                .hasMessageEndingWith("the signature is 63 bytes long; an Ed25519 signature has 64");
    }

    @Test
    void reportsPayloadJsonProblemsAtThePayloadLine() {
        String json = "{\"format\":1}";
        String bad = "-----BEGIN USHER LICENSE-----\nKey-Id: " + file.keyId() + "\nPayload:\n"
                + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)) + "\nSignature:\n"
                + wrap(Base64.getEncoder().encodeToString(file.signature())) + "-----END USHER LICENSE-----\n";

        assertMalformed(bad).hasMessage("line 4: payload field 'id' is missing");
    }

    @Test
    void rejectsEmptyAndOversizedTexts() {
        assertMalformed("").hasMessage("the license text is empty");
        assertMalformed(" \r\n\t\n").hasMessage("the license text is empty");
        assertMalformed(null).hasMessage("there is no license text");
        assertMalformed(text + " ".repeat(256 * 1024))
                .hasMessageStartingWith("the license text is " + (text.length() + 256 * 1024) + " characters long, more than the 256 KiB");
    }

    @Test
    void refusesToHoldAPayloadThatDiffersFromTheSignedBytes() {
        LicensePayload other = LicenseFixtures.payload(List.of(
                Entitlement.seats("cad", "cal", 2500, LicenseFixtures.STARTS, LicenseFixtures.EXPIRES)));

        assertThatThrownBy(() -> new LicenseFile(other, file.payloadBytes(), file.keyId(), file.signature()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload does not match payloadBytes");
    }

    @Test
    void copiesItsArraysSoTheyCannotBeChangedFromOutside() {
        byte[] signature = file.signature();
        signature[0] ^= 1;

        assertThat(file.signature()).isNotEqualTo(signature);
    }

    private static String wrap(String base64) {
        StringBuilder wrapped = new StringBuilder();
        for (int i = 0; i < base64.length(); i += 64) {
            wrapped.append(base64, i, Math.min(base64.length(), i + 64)).append('\n');
        }
        return wrapped.toString();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(String text) {
        return assertThatThrownBy(() -> LicenseFile.parse(text))
                .isInstanceOfSatisfying(LicenseRejection.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED));
    }
}
