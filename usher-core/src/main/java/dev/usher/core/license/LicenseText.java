package dev.usher.core.license;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The text form of a license file, made to survive e-mail and copy-paste:
 *
 * <pre>
 * -----BEGIN USHER LICENSE-----
 * Key-Id: 3fa2b1c0d4e5f607
 * Payload:
 * (base64 of the UTF-8 JSON payload, standard alphabet with padding, 64 characters per line)
 * Signature:
 * (base64 of the 64-byte Ed25519 signature over exactly those bytes, 64 characters per line)
 * -----END USHER LICENSE-----
 * </pre>
 *
 * followed by one newline. Reading forgives what pasting does (CRLF line endings, blank lines, spaces and
 * tabs around the whole text) and nothing else. In particular base64 must be canonical: Java's decoder
 * ignores the unused low bits of the last character and accepts missing padding, so without re-encoding
 * and comparing, a changed last character could still verify and two different texts would be "the same"
 * license.
 */
final class LicenseText {

    static final String HEADER = "-----BEGIN USHER LICENSE-----";
    static final String FOOTER = "-----END USHER LICENSE-----";
    static final String KEY_ID_LABEL = "Key-Id: ";
    static final String PAYLOAD_LABEL = "Payload:";
    static final String SIGNATURE_LABEL = "Signature:";
    static final int LINE_LENGTH = 64;
    /** Far above any real license (a few KB); bounds the work an anonymous upload can cause. */
    static final int MAX_LENGTH = 256 * 1024;

    private LicenseText() {
    }

    static String render(LicenseFile file) {
        StringBuilder text = new StringBuilder();
        text.append(HEADER).append('\n');
        text.append(KEY_ID_LABEL).append(file.keyId()).append('\n');
        text.append(PAYLOAD_LABEL).append('\n');
        for (String line : wrap(Base64.getEncoder().encodeToString(file.payloadBytes()))) {
            text.append(line).append('\n');
        }
        text.append(SIGNATURE_LABEL).append('\n');
        for (String line : wrap(Base64.getEncoder().encodeToString(file.signature()))) {
            text.append(line).append('\n');
        }
        text.append(FOOTER).append('\n');
        return text.toString();
    }

    static LicenseFile parse(String text) {
        if (text == null) {
            throw malformed("there is no license text");
        }
        if (text.length() > MAX_LENGTH) {
            throw malformed("the license text is " + text.length() + " characters long, more than the "
                    + MAX_LENGTH / 1024 + " KiB a license file can have: is this the right file?");
        }
        int start = 0;
        int end = text.length();
        while (start < end && isPasteWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPasteWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw malformed("the license text is empty");
        }
        // Line numbers in messages count from the top of the text as given, like an editor does.
        int firstLineNumber = 1 + (int) text.substring(0, start).chars().filter(c -> c == '\n').count();
        Lines lines = new Lines(text.substring(start, end).split("\r?\n", -1), firstLineNumber);

        lines.expectExactly(0, HEADER);
        String keyIdLine = lines.get(1);
        if (keyIdLine == null || !keyIdLine.startsWith(KEY_ID_LABEL)
                || !LicenseFile.isValidKeyId(keyIdLine.substring(KEY_ID_LABEL.length()))) {
            throw lines.error(1, "expected 'Key-Id: <16 lowercase hex digits>'");
        }
        String keyId = keyIdLine.substring(KEY_ID_LABEL.length());
        lines.expectExactly(2, PAYLOAD_LABEL);
        int signatureLabel = lines.indexOf(SIGNATURE_LABEL, 3);
        if (signatureLabel < 0) {
            throw lines.error(lines.size() - 1, "expected a 'Signature:' line after the payload");
        }
        int footer = lines.indexOf(FOOTER, signatureLabel + 1);
        if (footer < 0) {
            throw lines.error(lines.size() - 1, "expected '" + FOOTER + "' after the signature");
        }
        if (footer != lines.size() - 1) {
            throw lines.error(footer + 1, "unexpected text after '" + FOOTER + "'");
        }
        byte[] payloadBytes = lines.base64(3, signatureLabel, "payload");
        byte[] signature = lines.base64(signatureLabel + 1, footer, "signature");
        if (signature.length != LicenseFile.SIGNATURE_LENGTH) {
            throw lines.error(signatureLabel + 1, "the signature is " + signature.length
                    + " bytes long; an Ed25519 signature has " + LicenseFile.SIGNATURE_LENGTH);
        }
        LicensePayload payload;
        try {
            payload = PayloadJson.read(payloadBytes);
        } catch (LicenseRejection e) {
            throw lines.error(3, e.getMessage());
        }
        return new LicenseFile(payload, payloadBytes, keyId, signature);
    }

    private static boolean isPasteWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static List<String> wrap(String base64) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < base64.length(); i += LINE_LENGTH) {
            lines.add(base64.substring(i, Math.min(base64.length(), i + LINE_LENGTH)));
        }
        return lines;
    }

    private static LicenseRejection malformed(String message) {
        return new LicenseRejection(RejectionReason.MALFORMED, message);
    }

    /** The lines between header and footer, with the line numbers the user sees. */
    private record Lines(String[] lines, int firstLineNumber) {

        int size() {
            return lines.length;
        }

        String get(int index) {
            return index < lines.length ? lines[index] : null;
        }

        int indexOf(String exact, int from) {
            for (int i = from; i < lines.length; i++) {
                if (lines[i].equals(exact)) {
                    return i;
                }
            }
            return -1;
        }

        void expectExactly(int index, String expected) {
            String line = get(index);
            if (!expected.equals(line)) {
                throw error(index, "expected '" + expected + "'"
                        + (line == null ? " but the text ends" : ", found " + Entitlement.quote(line)));
            }
        }

        /** Decodes lines [from, to) as one canonical base64 block. */
        byte[] base64(int from, int to, String what) {
            if (from >= to) {
                throw error(from, "the " + what + " is empty");
            }
            StringBuilder joined = new StringBuilder();
            for (int i = from; i < to; i++) {
                String line = lines[i];
                for (int column = 0; column < line.length(); column++) {
                    char c = line.charAt(column);
                    if (!isBase64Character(c)) {
                        throw error(i, "the " + what + " contains " + describe(c) + " at column " + (column + 1)
                                + ", which is not base64");
                    }
                }
                joined.append(line);
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(joined.toString());
            } catch (IllegalArgumentException e) {
                throw error(from, "the " + what + " is not valid base64 (" + e.getMessage() + ")");
            }
            List<String> canonical = wrap(Base64.getEncoder().encodeToString(bytes));
            for (int i = 0; i < Math.max(canonical.size(), to - from); i++) {
                String expected = i < canonical.size() ? canonical.get(i) : null;
                if (i >= to - from || !lines[from + i].equals(expected)) {
                    throw error(Math.min(from + i, to - 1), "the " + what + " is not canonical base64 (" + LINE_LENGTH
                            + " characters per line except the last, '=' padding, unused bits zero): "
                            + "was the text edited or re-wrapped?");
                }
            }
            return bytes;
        }

        LicenseRejection error(int index, String message) {
            return malformed("line " + (firstLineNumber + Math.max(0, index)) + ": " + message);
        }

        private static boolean isBase64Character(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=';
        }

        private static String describe(char c) {
            return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
        }
    }
}
