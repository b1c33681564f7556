package dev.usher.store.seat;

import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.SeatBook;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the people a group of decisions is about into its book, a few rows at a time (an embedded
 * database answers in microseconds; the shared one reads people in its batch instead): by id or by a normalized name
 * (through the aliases), each with their roles; and, for names that are nobody's yet and may become
 * a person, the id that person would get. People are read for every group, never kept: the
 * directory changes them (roles, aliases, merges, disabling) and a decision must see that at once.
 */
final class PeopleReader {

    private volatile long allUsersRole = -1;

    /**
     * {@code n} ids for new people: the one writer draws from {@code sqlite_sequence} (AUTOINCREMENT never
     * reuses an id, and an id drawn but not used by this group is simply drawn again by the next).
     */
    private static List<Long> reserve(Handle h, int n) {
        long last = h.createQuery("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'users'), 0)")
                .mapTo(Long.class).one();
        List<Long> ids = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            ids.add(last + i);
        }
        return ids;
    }

    /**
     * @param byId       people by id
     * @param byKey      people by normalized name
     * @param mayBeNew   of {@code byKey}, the names that become a person when they are nobody's
     */
    void read(Handle h, SeatBook book, Collection<Long> byId, Collection<String> byKey, Collection<String> mayBeNew) {
        book.loadAllUsersRole(allUsersRole(h));
        Set<Long> wanted = new LinkedHashSet<>();
        byId.stream().filter(id -> !book.hasPerson(id)).forEach(wanted::add);
        List<String> keys = byKey.stream().filter(k -> !book.hasKey(k)).distinct().toList();
        Map<String, Long> owners = new HashMap<>();
        if (!keys.isEmpty()) {
            h.createQuery("SELECT alias_key, user_id FROM user_aliases WHERE alias_key IN (<keys>)")
                    .bindList("keys", keys)
                    .map((rs, ctx) -> owners.put(rs.getString(1), rs.getLong(2)))
                    .list();
            owners.values().stream().filter(id -> !book.hasPerson(id)).forEach(wanted::add);
        }
        if (!wanted.isEmpty()) {
            Map<Long, Set<Long>> roles = new HashMap<>();
            h.createQuery("SELECT user_id, role_id FROM role_members WHERE user_id IN (<ids>)")
                    .bindList("ids", List.copyOf(wanted))
                    .map((rs, ctx) -> roles.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2)))
                    .list();
            long all = allUsersRole;
            h.createQuery("SELECT id, name, enabled FROM users WHERE id IN (<ids>)")
                    .bindList("ids", List.copyOf(wanted))
                    .map((rs, ctx) -> {
                        Set<Long> r = new HashSet<>(roles.getOrDefault(rs.getLong(1), Set.of()));
                        r.add(all);
                        book.load(new Person(rs.getLong(1), rs.getString(2), rs.getInt(3) == 1, r));
                        return 0;
                    })
                    .list();
            // Asked for and not found: none (a decision reading them says "unknown user", not "not loaded").
            wanted.stream().filter(id -> !book.hasPerson(id)).forEach(book::loadNoPerson);
        }
        List<String> fresh = mayBeNew.stream().filter(k -> !owners.containsKey(k) && !book.hasKey(k)).distinct().toList();
        List<Long> reserved = fresh.isEmpty() ? List.of() : reserve(h, fresh.size());
        for (String k : keys) {
            int i = fresh.indexOf(k);
            book.loadKey(k, owners.get(k), i >= 0 ? reserved.get(i) : null);
        }
    }

    private long allUsersRole(Handle h) {
        if (allUsersRole < 0) {
            // Built in by the first migration and never removed: read once.
            allUsersRole = h.createQuery("SELECT id FROM roles WHERE built_in = 'all-users'").mapTo(Long.class).one();
        }
        return allUsersRole;
    }
}
