package dev.usher.core.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;

/**
 * The Unicode confusables skeleton of UTS #39 (section 4): two strings whose skeletons are equal look
 * alike, e.g. Cyrillic {@code аlice} and Latin {@code alice}. skeleton(s) = NFD(map(NFD(s))), where map
 * replaces each code point by its prototype from Unicode's confusables data.
 *
 * <p>The data is {@code confusables.txt} next to this class: one line per code point that maps to
 * something else, {@code CODEPOINT<TAB>PROTOTYPE CODEPOINTS} (possibly none), all hexadecimal. It is generated from ICU4J's
 * SpoofChecker (ICU 79.1), which is a test dependency only: ConfusablesTest checks that this class gives ICU's
 * skeleton for every code point and regenerates the file when asked. The table is about 125 KB; ICU4J
 * would add 14 MB to every installation for this one function.
 */
public final class Confusables {

    static final String TABLE = "confusables.txt";

    private static final class Table {
        static final Map<Integer, String> PROTOTYPES = load();
    }

    private Confusables() {
    }

    /** The UTS #39 skeleton of {@code s}. */
    public static String skeleton(String s) {
        if (ascii(s)) {
            // Most names: NFD changes nothing, so only the table is applied (the doctor runs this for every user).
            StringBuilder b = new StringBuilder(s.length() + 4);
            for (int i = 0; i < s.length(); i++) {
                String prototype = Table.PROTOTYPES.get((int) s.charAt(i));
                if (prototype == null) {
                    b.append(s.charAt(i));
                } else {
                    b.append(prototype);
                }
            }
            return ascii(b) ? b.toString() : Normalizer.normalize(b, Normalizer.Form.NFD);
        }
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(nfd.length());
        nfd.codePoints().forEach(cp -> {
            String prototype = Table.PROTOTYPES.get(cp);
            if (prototype == null) {
                b.appendCodePoint(cp);
            } else {
                b.append(prototype);
            }
        });
        return Normalizer.normalize(b, Normalizer.Form.NFD);
    }

    private static boolean ascii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static Map<Integer, String> load() {
        Map<Integer, String> map = new HashMap<>(16_384);
        try (InputStream in = Confusables.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                StringBuilder prototype = new StringBuilder();
                // An empty prototype: the code point vanishes from the skeleton.
                for (String hex : line.substring(tab + 1).split(" ")) {
                    if (!hex.isEmpty()) {
                        prototype.appendCodePoint(Integer.parseInt(hex, 16));
                    }
                }
                map.put(Integer.parseInt(line, 0, tab, 16), prototype.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return map;
    }
}
