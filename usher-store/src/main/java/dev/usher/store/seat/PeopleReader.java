package dev.usher.store.seat;

import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.SeatBook;
import dev.usher.store.StoreException;
import org.jdbi.v3.core.Handle;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the people a group of decisions is about into its book, one row at a time (an embedded
 * database answers in microseconds; the shared one reads people in its batch instead): by id or by a normalized name
 * (through the aliases), each with their roles; and, for names that are nobody's yet and may become
 * a person, the id that person would get. People are read for every group, never kept: the
 * directory changes them (roles, aliases, merges, disabling) and a decision must see that at once.
 */
final class PeopleReader {

    private volatile long allUsersRole = -1;
    private final StatementCache statements = new StatementCache();

    /**
     * @param byId       people by id
     * @param byKey      people by normalized name
     * @param mayBeNew   of {@code byKey}, the names that become a person when they are nobody's
     */
    void read(Handle h, SeatBook book, Collection<Long> byId, Collection<String> byKey, Collection<String> mayBeNew) {
        Connection c = h.getConnection();
        try {
            book.loadAllUsersRole(allUsersRole(c));
            Set<Long> wanted = new LinkedHashSet<>();
            byId.stream().filter(id -> !book.hasPerson(id)).forEach(wanted::add);
            List<String> keys = byKey.stream().filter(k -> !book.hasKey(k)).distinct().toList();
            Map<String, Long> owners = new HashMap<>();
            // One row at a time: each statement is prepared once and answers in microseconds in this process.
            for (String k : keys) {
                try (ResultSet rs = statements.bound(c, "SELECT user_id FROM user_aliases WHERE alias_key = ?", k).executeQuery()) {
                    if (rs.next()) {
                        owners.put(k, rs.getLong(1));
                    }
                }
            }
            owners.values().stream().filter(id -> !book.hasPerson(id)).forEach(wanted::add);
            for (long id : wanted) {
                Set<Long> roles = new HashSet<>();
                roles.add(allUsersRole);
                try (ResultSet rs = statements.bound(c, "SELECT role_id FROM role_members WHERE user_id = ?", id).executeQuery()) {
                    while (rs.next()) {
                        roles.add(rs.getLong(1));
                    }
                }
                try (ResultSet rs = statements.bound(c, "SELECT name, enabled FROM users WHERE id = ?", id).executeQuery()) {
                    if (rs.next()) {
                        book.load(new Person(id, rs.getString(1), rs.getInt(2) == 1, roles));
                    } else {
                        // Asked for and not found: none (a decision reading them says "unknown user", not "not loaded").
                        book.loadNoPerson(id);
                    }
                }
            }
            List<String> fresh = mayBeNew.stream().filter(k -> !owners.containsKey(k) && !book.hasKey(k)).distinct().toList();
            List<Long> reserved = fresh.isEmpty() ? List.of() : reserve(c, fresh.size());
            for (String k : keys) {
                int i = fresh.indexOf(k);
                book.loadKey(k, owners.get(k), i >= 0 ? reserved.get(i) : null);
            }
        } catch (SQLException e) {
            throw new StoreException("the people of the seat decisions could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * {@code n} ids for new people: the one writer draws from {@code sqlite_sequence} (AUTOINCREMENT never
     * reuses an id, and an id drawn but not used by this group is simply drawn again by the next).
     */
    private List<Long> reserve(Connection c, int n) throws SQLException {
        long last;
        try (ResultSet rs = statements.bound(c, "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'users'), 0)")
                .executeQuery()) {
            last = rs.next() ? rs.getLong(1) : 0;
        }
        List<Long> ids = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            ids.add(last + i);
        }
        return ids;
    }

    private long allUsersRole(Connection c) throws SQLException {
        if (allUsersRole < 0) {
            // Built in by the first migration and never removed: read once.
            try (ResultSet rs = statements.bound(c, "SELECT id FROM roles WHERE built_in = 'all-users'").executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the built-in role all-users is missing");
                }
                allUsersRole = rs.getLong(1);
            }
        }
        return allUsersRole;
    }
}
