package dev.usher.core.model;

import java.text.Normalizer;
import java.util.Locale;

/**
 * How the spec says names compare (README "Seats: how they are counted"), written plainly: a user
 * name is trimmed, NFKC-normalized and compared without case; {@code DOMAIN\\user}, {@code user@domain}
 * and {@code user} are one person; aliases map to their person. A host compares without case and a
 * fully qualified name counts as its first label.
 */
public final class Names {

    private Names() {
    }

    /** The canonical person a spelling means (an alias of the world is followed). */
    public static String person(String spelling) {
        String s = Normalizer.normalize(spelling, Normalizer.Form.NFKC).strip();
        int backslash = s.lastIndexOf('\\');
        if (backslash >= 0) {
            s = s.substring(backslash + 1);
        }
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        s = s.toLowerCase(Locale.ROOT);
        for (World.Person p : World.PEOPLE) {
            for (String alias : p.aliases()) {
                if (alias.toLowerCase(Locale.ROOT).equals(s)) {
                    return p.name();
                }
            }
        }
        return s;
    }

    public static String host(String spelling) {
        if (spelling == null) {
            return null;
        }
        String h = Normalizer.normalize(spelling, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }
}
