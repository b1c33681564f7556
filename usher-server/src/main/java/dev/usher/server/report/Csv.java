package dev.usher.server.report;

import java.util.List;

/**
 * CSV as spreadsheets read it (RFC 4180), safe for names chosen by others: a field with a comma,
 * quote or line break is quoted with its quotes doubled, and a text field starting with
 * {@code = + - @} (or a tab or carriage return) gets a leading apostrophe so a spreadsheet shows it
 * instead of evaluating it as a formula (CSV injection).
 */
public final class Csv {

    private Csv() {
    }

    /** One line (with its CRLF) from text fields and numbers; null is an empty field. */
    public static String line(List<?> fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Object f = fields.get(i);
            if (f instanceof Number n) {
                b.append(n);
            } else if (f != null) {
                b.append(text(f.toString()));
            }
        }
        return b.append("\r\n").toString();
    }

    /** One text field, neutralized and quoted as needed. */
    public static String text(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
