package dev.usher.core.license;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM armour (RFC 7468) for the vendor key files, so they interoperate with OpenSSL. */
final class Pem {

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /**
     * The DER bytes of the first {@code label} block of {@code text}. Text around the block is allowed
     * (OpenSSL writes explanatory text before it). {@code source} names the file in error messages.
     */
    static byte[] decode(String label, String text, Object source) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int start = text.indexOf(begin);
        if (start < 0) {
            int other = text.indexOf("-----BEGIN ");
            String found = other < 0 ? "no PEM block"
                    : "'" + text.substring(other, Math.min(text.length(), lineEnd(text, other))) + "'";
            throw new IllegalArgumentException(source + ": expected a '" + begin + "' block, found " + found);
        }
        int stop = text.indexOf(end, start + begin.length());
        if (stop < 0) {
            throw new IllegalArgumentException(source + ": '" + begin + "' has no '" + end + "'");
        }
        String body = text.substring(start + begin.length(), stop).replaceAll("[ \t\r\n]", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the " + label.toLowerCase() + " block is not valid base64");
        }
    }

    private static int lineEnd(String text, int from) {
        int newline = text.indexOf('\n', from);
        return Math.min(newline < 0 ? text.length() : newline, from + 60);
    }
}
