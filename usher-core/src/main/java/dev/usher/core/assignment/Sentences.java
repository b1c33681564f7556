package dev.usher.core.assignment;

import java.util.List;

/** Small pieces of English the rules' sentences share. */
final class Sentences {

    private Sentences() {
    }

    /** {@code a}, {@code a and b}, {@code a, b and c}. */
    static String and(List<String> items) {
        if (items.size() <= 1) {
            return items.isEmpty() ? "" : items.getFirst();
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }

    static String seats(int n) {
        return n + (n == 1 ? " seat" : " seats");
    }
}
