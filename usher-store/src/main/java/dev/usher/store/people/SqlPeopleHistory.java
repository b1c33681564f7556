package dev.usher.store.people;

import dev.usher.core.identity.PeopleHistory;
import dev.usher.store.Database;

import java.time.Instant;
import java.util.List;

/**
 * What the history says about people, for the doctor and the stray-people purge: who took seats
 * on which host (from the seat events, which are never deleted), and who has not been seen for a
 * while. Reads only; deciding what to do with it is the server's.
 */
public final class SqlPeopleHistory implements PeopleHistory {

    private final Database db;

    public SqlPeopleHistory(Database db) {
        this.db = db;
    }

    /**
     * Checkouts (new seats and joins) per reported host and name since {@code since}: one scan of the
     * period through the time index, grouped in the database.
     */
    @Override
    public List<HostUse> hostUse(Instant since) {
        return db.read(h -> h.createQuery("""
                        SELECT LOWER(host), user_name, COUNT(*) FROM seat_events
                        WHERE at >= :since AND type IN ('GRANT', 'JOIN') AND host IS NOT NULL AND user_name IS NOT NULL
                        GROUP BY LOWER(host), user_name""")
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new HostUse(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
    }

    /**
     * People last seen before {@code cutoff} who hold no seat or session and are not administrators
     * (an administrator may only ever sign in to the console, which is not a checkout), the longest
     * unseen first.
     */
    @Override
    public List<Stray> strays(Instant cutoff, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT u.id, u.name, u.source, u.created_at, u.last_seen_at FROM users u
                        WHERE u.last_seen_at < :cutoff
                          AND NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id)
                          AND NOT EXISTS (SELECT 1 FROM sessions x WHERE x.user_id = u.id)
                          AND NOT EXISTS (SELECT 1 FROM role_members m JOIN roles r ON r.id = m.role_id
                                          WHERE m.user_id = u.id AND r.built_in = 'administrators')
                        ORDER BY u.last_seen_at, u.id LIMIT :n""")
                .bind("cutoff", cutoff.toEpochMilli()).bind("n", limit)
                .map((rs, ctx) -> new Stray(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                        Instant.ofEpochMilli(rs.getLong(5)))).list());
    }
}
