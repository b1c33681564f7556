package dev.usher.core.identity;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns the many spellings of one person into one key.
 *
 * <p>Clients report names however their platform spells them: {@code CORP\alice},
 * {@code alice@corp.example}, {@code Alice}, with stray spaces or full-width letters pasted from a
 * document, or with invisible characters inside. Servers that compare these literally hand one person
 * several seats. The key is the name without default-ignorable code points (zero-width spaces and
 * joiners, soft hyphens, byte order marks, ...), in Unicode NFKC form, trimmed, case-folded, and (by
 * default) without the Windows domain prefix or the e-mail/UPN domain suffix. Bidirectional controls
 * and lone surrogates are refused: they make a name display as another one. The canonical spelling shown to people is kept separately: the first
 * spelling seen.
 */
public final class UserNames {

    public static final int MAX_LENGTH = 256;

    private final boolean stripDomain;

    public UserNames(boolean stripDomain) {
        this.stripDomain = stripDomain;
    }

    /** The comparison key for a user name the client sent; rejects what cannot be a name. */
    public String key(String raw) {
        String name = clean(raw, "user");
        if (stripDomain) {
            int backslash = name.lastIndexOf('\\');
            if (backslash >= 0) {
                name = name.substring(backslash + 1);
            }
            int at = name.indexOf('@');
            if (at >= 0) {
                name = name.substring(0, at);
            }
            if (name.isBlank()) {
                throw new InvalidNameException("user name '" + raw.strip() + "' has a domain but no user part");
            }
        }
        // Locale.ROOT: "I".toLowerCase() in a Turkish locale is a dotless ı, which would split one person in two.
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** The spelling to keep for display: trimmed and NFKC-normalized, case and domain preserved. */
    public String display(String raw) {
        return clean(raw, "user");
    }

    /** A host name as reported, validated, for display. */
    public static String host(String raw) {
        return clean(raw, "host");
    }

    /**
     * The key for a host name: case-insensitive, and a fully qualified name counts as its first label
     * ({@code WS1.corp.example} and {@code ws1} are one machine), except for IP address literals.
     */
    public static String hostKey(String raw) {
        String host = clean(raw, "host").toLowerCase(Locale.ROOT);
        boolean ipLiteral = host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!ipLiteral) {
            int dot = host.indexOf('.');
            if (dot > 0) {
                host = host.substring(0, dot);
            }
        }
        return host;
    }

    private static String clean(String raw, String what) {
        Objects.requireNonNull(what);
        if (raw == null) {
            throw new InvalidNameException(what + " is missing");
        }
        // Refused rather than removed: a bidi control makes the name display as something else (U+202E shows
        // "\u202Eecila" as "alice"), and a lone surrogate is half a character that no keyboard produced.
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidNameException(what + " contains a lone surrogate (U+" + hex(c)
                        + "), half of a character: the client sent broken text");
            } else if (isBidiControl(c)) {
                throw new InvalidNameException(what + " contains the bidirectional control U+" + hex(c)
                        + ", which makes a name display as another; send the name without it");
            }
        }
        // Invisible characters are removed before and after NFKC (which turns U+3164 into the invisible
        // U+1160), so "al\u200Bice" is alice and not a second person who displays exactly like her.
        String visible = withoutDefaultIgnorables(raw);
        String name = withoutDefaultIgnorables(Normalizer.normalize(visible, Normalizer.Form.NFKC)).strip();
        if (name.isEmpty()) {
            throw new InvalidNameException(raw.isBlank()
                    ? what + " is empty"
                    : what + " is empty once its invisible characters (zero-width spaces, joiners, soft hyphens, ...) are removed");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidNameException(what + " is longer than " + MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidNameException(what + " contains control characters");
        }
        return name;
    }

    /**
     * Unicode's Bidi_Control characters (ALM, LRM, RLM, the embeddings and overrides, the isolates). They
     * are default-ignorable too, but stripping them would accept a name its sender saw displayed differently.
     */
    static boolean isBidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    /**
     * Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, stable since Unicode 5.2
     * apart from unassigned ranges already listed): characters that display as nothing.
     */
    static boolean isDefaultIgnorable(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5
                || (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2060 && c <= 0x206F) || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF
                || c == 0xFFA0 || (c >= 0xFFF0 && c <= 0xFFF8) || (c >= 0x1BCA0 && c <= 0x1BCA3)
                || (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE0FFF);
    }

    private static String withoutDefaultIgnorables(String s) {
        if (s.codePoints().noneMatch(UserNames::isDefaultIgnorable)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(c -> !isDefaultIgnorable(c)).forEach(b::appendCodePoint);
        return b.toString();
    }

    private static String hex(int c) {
        return String.format(Locale.ROOT, "%04X", c);
    }

    /** A name that cannot identify anybody; the message says which and why. */
    public static final class InvalidNameException extends IllegalArgumentException {
        public InvalidNameException(String message) {
            super(message);
        }
    }
}
