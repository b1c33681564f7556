package dev.usher.store.report;

import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;

import java.util.List;

/**
 * How far an event table ({@code seat_events}, {@code admin_events}) can be consumed in id order
 * without ever passing an event that is still to commit: the recorders keep one number per table
 * ("every id up to here is consumed"), so an id passed over is never read again.
 *
 * <p>On SQLite every write runs alone, so ids commit in order and everything read is final. On
 * PostgreSQL an id is drawn when a transaction inserts, and transactions commit in any order: id 11
 * may be visible while id 10 is still to commit (or is never to: a rolled-back insert leaves a hole
 * for good). So a recorder consumes only the ids that are <em>settled</em>: the contiguous run after
 * its cursor, and across a hole only up to a {@link #horizon} below which every id is known final.
 *
 * <p>How a hole is known final, without a timeout and without stopping the writers: an INSERT takes
 * the table's ROW EXCLUSIVE lock <em>before</em> it draws its id and keeps it until its transaction
 * ends. Say a read R sees ids up to H, with a hole below. Every id at most H was drawn before H, so
 * before R; its transaction therefore either had ended before a look at the lock table taken just
 * after R (then the id is final: committed or rolled back), or held that lock at that look. This class
 * notes those holders' transaction ids with H; once none of them runs any more, every id up to H is
 * final for any read made afterwards, visible or never to be. A hole that an open transaction still
 * owns is thus never skipped, however long it stays open, and a rolled-back insert's hole is passed at
 * the next read. Holes usually fill by themselves (a commit a few milliseconds late), and then the
 * noted holders do not matter.
 *
 * <p>The horizon is a fact about the database, so it stays true whichever node holds it. One instance
 * per recorder and table; not thread-safe (each recorder reads from one thread at a time).
 */
final class SettledIds {

    private final Database db;
    private final String table;
    /** Every id at most this is final: visible now, or never to be. */
    private long horizon;
    /** A hole seen: the highest id of that read, and the transactions that might still own the hole. */
    private Pending pending;

    private record Pending(long upTo, List<String> writers) {}

    SettledIds(Database db, String table) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.db = db;
        this.table = table;
    }

    /**
     * Call on the reading connection before the events are read: moves the horizon when the writers
     * noted at a hole have all ended (the read that follows then sees every id below it that exists).
     */
    void beforeRead(Handle h) {
        if (pending == null || !db.dialect().shared()) {
            return;
        }
        long running = h.createQuery("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY(:v)")
                .bindArray("v", String.class, pending.writers()).mapTo(Long.class).one();
        if (running == 0) {
            horizon = Math.max(horizon, pending.upTo());
            pending = null;
        }
    }

    /**
     * How many of {@code ids} (as just read after {@link #beforeRead}: ascending, each above {@code after})
     * may be consumed now: the leading ones with no unsettled hole before them.
     */
    int settled(Handle h, long after, List<Long> ids) {
        if (!db.dialect().shared()) {
            return ids.size();
        }
        long expected = after + 1;
        int n = 0;
        for (long id : ids) {
            if (id != expected && id - 1 > horizon) {
                break; // expected .. id-1 are missing and may yet commit
            }
            expected = id + 1;
            n++;
        }
        if (n < ids.size() && pending == null) {
            // Taken after the read: whoever owns the hole either had ended by now or is listed here.
            List<String> writers = h.createQuery("""
                            SELECT virtualtransaction FROM pg_locks
                            WHERE locktype = 'relation' AND relation = to_regclass(:t) AND mode = 'RowExclusiveLock' AND granted
                              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND pid <> pg_backend_pid()""")
                    .bind("t", table).mapTo(String.class).list();
            pending = new Pending(ids.getLast(), writers);
        }
        return n;
    }

    /** The highest id known final (tests and diagnostics). */
    long horizon() {
        return horizon;
    }
}
