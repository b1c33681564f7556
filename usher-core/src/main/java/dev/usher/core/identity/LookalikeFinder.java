package dev.usher.core.identity;

import dev.usher.core.identity.DuplicateFinder.Candidate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finds people whose names look alike but are different characters (Cyrillic {@code аlice} and
 * Latin {@code alice}): equal {@link Confusables#skeleton skeletons} of different keys. Unlike the
 * spellings {@link UserNames} folds into one key, these may really be two people, so they are only
 * reported, with a merge proposed for an administrator to decide. A pure function of the user list.
 */
public final class LookalikeFinder {

    /** Users whose names look like {@code like}'s, with what makes each different. */
    public record Lookalikes(Candidate like, List<Candidate> others, String reason) {}

    private LookalikeFinder() {
    }

    public static List<Lookalikes> find(List<Candidate> users) {
        Map<String, List<Candidate>> bySkeleton = new LinkedHashMap<>();
        for (Candidate u : users) {
            bySkeleton.computeIfAbsent(Confusables.skeleton(u.key()), k -> new ArrayList<>()).add(u);
        }
        List<Lookalikes> out = new ArrayList<>();
        for (var e : bySkeleton.entrySet()) {
            List<Candidate> group = e.getValue();
            if (group.stream().map(Candidate::key).distinct().count() < 2) {
                continue;
            }
            // The plain spelling (its own skeleton, e.g. all Latin) if there is one, else the oldest.
            Candidate like = group.stream().filter(c -> c.key().equals(e.getKey())).findFirst()
                    .orElse(group.stream().min(Comparator.comparing(Candidate::createdAt).thenComparingLong(Candidate::id)).orElseThrow());
            List<Candidate> others = group.stream().filter(c -> c != like && !c.key().equals(like.key())).toList();
            String reason = others.stream().map(o -> "'" + o.name() + "' looks like '" + like.name() + "'" + difference(o.key(), like.key()))
                    .collect(Collectors.joining("; "));
            out.add(new Lookalikes(like, others, reason));
        }
        return out;
    }

    /** The characters of {@code key} that {@code like} does not have, named: what an administrator cannot see. */
    private static String difference(String key, String like) {
        List<String> named = key.codePoints().filter(cp -> like.indexOf(cp) < 0).distinct()
                .mapToObj(cp -> String.format(Locale.ROOT, "U+%04X %s", cp, Character.getName(cp))).toList();
        return named.isEmpty() ? "" : " but has " + String.join(", ", named);
    }
}
