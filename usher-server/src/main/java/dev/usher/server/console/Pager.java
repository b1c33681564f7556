package dev.usher.server.console;

/**
 * One page of a long list. {@code query} is the rest of the URL's query (already encoded), kept
 * when moving between pages.
 */
public record Pager(int page, int size, int total, String path, String query) {

    public static final int SIZE = 50;

    public int pages() {
        return Math.max(1, (total + size - 1) / size);
    }

    public int offset() {
        return (page - 1) * size;
    }

    public int first() {
        return total == 0 ? 0 : offset() + 1;
    }

    public int last() {
        return Math.min(total, offset() + size);
    }

    public boolean hasPrevious() {
        return page > 1;
    }

    public boolean hasNext() {
        return page < pages();
    }

    public String link(int p) {
        return path + "?" + (query.isEmpty() ? "" : query + "&") + "page=" + p;
    }

    /** The page number asked for, clamped to the pages there are. */
    static int clamp(String requested, int total, int size) {
        int p;
        try {
            p = requested == null ? 1 : Integer.parseInt(requested.strip());
        } catch (NumberFormatException e) {
            p = 1;
        }
        int pages = Math.max(1, (total + size - 1) / size);
        return Math.min(Math.max(1, p), pages);
    }
}
