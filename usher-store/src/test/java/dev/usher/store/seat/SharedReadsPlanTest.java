package dev.usher.store.seat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.testing.TestDatabases;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every read of a shared group, planned by a real PostgreSQL on tables of realistic size (20,000 people, each with a
 * seat, two sessions and a role; 20 seats on loan): no plan reads a whole table that grows with use, neither the
 * plan made for the values at hand nor the generic plan the server settles on for a prepared statement. These reads
 * run while the group holds its pools' locks, so a scan there is time every node's decisions about those pools wait, and
 * grows with the installation. A condition written as {@code a = ANY(?) OR b = ANY(?)} makes this test fail.
 *
 * <p>"Reads a whole table" includes what the planner does when sequential scans are off: an index scan with no
 * condition, or with one on the pool only (every seat of the pool), is a scan too. Each scan of seats, sessions or
 * checkouts must find its rows by a key of the row itself (see {@link #KEYS}).
 */
class SharedReadsPlanTest {

    private static final int PEOPLE = 20_000;
    private static final int FEW = 30;
    private static final Pattern SCAN = Pattern.compile("Seq Scan on (seats|users|sessions|checkouts|user_aliases|role_members)\\b");
    /** A plan node reading one of the tables whose rows come and go with every checkout: its table, then the index if any. */
    private static final Pattern CHURNING = Pattern.compile(
            "(?:Index Scan|Index Only Scan|Bitmap Heap Scan)(?: Backward)?(?: using (\\w+))? on (seats|sessions|checkouts)\\b");
    /** For each of those tables, the columns that name one row or one holder's rows (a condition on one of them is a lookup). */
    private static final java.util.Map<String, Pattern> KEYS = java.util.Map.of(
            "seats", Pattern.compile("\\((id|user_id) = |\\(id = ANY|\\(user_id = ANY|borrowed_until"),
            "sessions", Pattern.compile("\\((id|user_id) = |\\(id = ANY"),
            "checkouts", Pattern.compile("\\((session_id|seat_id) = |\\(session_id = ANY|\\(seat_id = ANY"));
    private static PostgresDatabase db;
    /** The same rows for {@value #FEW} people: statistics that call every table small, as they do for a while after a burst. */
    private static PostgresDatabase small;
    /**
     * {@value #PEOPLE} people's rows, with the statistics of the moment after a burst: the seats, sessions and checkouts
     * tables analyzed (by hand here; by autovacuum in a running cluster, once a minute) when every row in them was dead,
     * so the planner takes each for empty while thousands of rows have come since. This is what a bench's two nodes
     * reach a minute into a load, and the reads it used to slow down five- to tenfold.
     */
    private static PostgresDatabase churned;

    @BeforeAll
    static void fill() {
        db = filled(PEOPLE);
        small = filled(FEW);
        churned = filled(PEOPLE);
        churned.read(h -> {
            for (String t : List.of("checkouts", "sessions", "seats")) {
                h.execute("ALTER TABLE " + t + " SET (autovacuum_enabled = false)");
                h.execute("CREATE TEMP TABLE kept_" + t + " AS SELECT * FROM " + t);
            }
            h.execute("DELETE FROM checkouts");
            h.execute("DELETE FROM sessions");
            h.execute("DELETE FROM seats");
            h.execute("ANALYZE seats");
            h.execute("ANALYZE sessions");
            h.execute("ANALYZE checkouts");
            for (String t : List.of("seats", "sessions", "checkouts")) {
                h.execute("INSERT INTO " + t + " SELECT * FROM kept_" + t);
            }
            return null;
        });
    }

    private static PostgresDatabase filled(int people) {
        PostgresDatabase db = PostgresDatabase.open(TestDatabases.newDatabase(), 2);
        db.read(h -> {
            h.execute("INSERT INTO roles (name, name_key, created_at) VALUES ('staff', 'staff', 0)");
            h.execute("INSERT INTO users (id, name, name_key, created_at, last_seen_at) "
                    + "SELECT i, 'u' || i, 'u' || i, 0, 0 FROM generate_series(1000, 999 + ?) i", people);
            h.execute("INSERT INTO user_aliases (alias_key, user_id, alias, created_at) SELECT name_key, id, name, 0 FROM users WHERE id >= 1000");
            h.execute("INSERT INTO role_members (role_id, user_id, origin) SELECT r.id, u.id, 'manual' FROM users u, roles r WHERE u.id >= 1000 AND r.name = 'staff'");
            h.execute("INSERT INTO seats (id, product, feature, seat_key, user_id, host_key, created_at, charge, sessions, borrowed_until) "
                    + "SELECT 'seat' || id, 'cad', 'cal', name_key, id, 'ws', 0, 'shared', 2, CASE WHEN id % 1000 = 0 THEN 9 END "
                    + "FROM users WHERE id >= 1000");
            h.execute("INSERT INTO sessions (id, user_id, host, host_key, created_at, last_heartbeat_at, lease_expires_at) "
                    + "SELECT 's' || id || '-' || n, id, 'ws', 'ws', 0, 0, 9 FROM users, generate_series(1, 2) n WHERE id >= 1000");
            h.execute("INSERT INTO checkouts (session_id, product, feature, seat_id, created_at) "
                    + "SELECT 's' || id || '-' || n, 'cad', 'cal', 'seat' || id, 0 FROM users, generate_series(1, 2) n WHERE id >= 1000");
            h.execute("INSERT INTO pool_counters (product, feature, in_use) VALUES ('cad', 'cal', ?)", people);
            h.execute("ANALYZE");
            return null;
        });
        return db;
    }

    @AfterAll
    static void close() {
        db.close();
        small.close();
        churned.close();
    }

    /** The plans PostgreSQL makes for {@code sql} (its {@code ?} taking the literals in order): for these values, and generic. */
    private static List<String> plans(PostgresDatabase db, boolean groupSettings, String sql, String... literals) {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?') {
                numbered.append('$').append(++n);
            } else {
                numbered.append(c);
            }
        }
        assertThat(n).as("parameters of %s", sql).isEqualTo(literals.length);
        String args = literals.length == 0 ? "" : "('" + String.join("', '", literals) + "')";
        // As a group plans: in a transaction that set the group's planner settings first.
        return db.write((h, after) -> {
            if (groupSettings) {
                h.createQuery(SharedReads.PLANNER).mapTo(String.class).one();
            }
            h.execute("PREPARE q AS " + numbered);
            List<String> out = new ArrayList<>();
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                h.execute("SET LOCAL plan_cache_mode = " + mode);
                out.add(mode + ":\n" + String.join("\n", h.createQuery("EXPLAIN EXECUTE q" + args).mapTo(String.class).list()));
            }
            h.execute("DEALLOCATE q");
            return out;
        });
    }

    private static boolean scans(String plan) {
        return SCAN.matcher(plan).find() || !wideScans(plan).isEmpty();
    }

    /**
     * The nodes of {@code plan} that read seats, sessions or checkouts other than by a row's key: with no index
     * condition at all, or with one that names only the pool.
     */
    static List<String> wideScans(String plan) {
        List<String> lines = plan.lines().toList();
        List<String> wide = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var m = CHURNING.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            // The node's details are the lines after it, up to the next node.
            StringBuilder conditions = new StringBuilder();
            for (int j = i + 1; j < lines.size() && !lines.get(j).contains("->"); j++) {
                String d = lines.get(j).strip();
                if (d.startsWith("Index Cond:") || d.startsWith("Recheck Cond:")) {
                    conditions.append(d).append('\n');
                }
            }
            boolean bitmap = lines.get(i).contains("Bitmap Heap Scan");
            if (!bitmap && "seats_borrowed".equals(m.group(1))) {
                continue; // the partial index holds only seats on loan
            }
            if (!KEYS.get(m.group(2)).matcher(conditions).find()) {
                wide.add(lines.get(i).strip() + " " + conditions.toString().strip());
            }
        }
        return wide;
    }

    private static void assertIndexOnly(String sql, String... literals) {
        for (PostgresDatabase d : List.of(db, churned)) {
            for (String plan : plans(d, true, sql, literals)) {
                assertThat(scans(plan)).as("a read of the whole table in\n%s\nfor\n%s", plan, sql).isFalse();
            }
        }
    }

    @Test
    void theWritersFindTheRowsTheyChangeByKeyOnStaleStatisticsToo() {
        // Without each statement's own key condition, every one of these read its table whole on the churned database.
        for (PostgresDatabase d : List.of(db, churned)) {
            for (var statement : List.of(
                    List.of(SetWriter.GONE_CHECKOUTS, "{s1005-1,s1006-1}", "{cad,cad}", "{cal,cal}", "{s1005-1,s1006-1}"),
                    List.of(SetWriter.MOVED_CHECKOUTS, "{s1005-1}", "{cad}", "{cal}", "{seat1006}", "{s1005-1}"),
                    List.of(SetWriter.CHANGED_SESSIONS, "{s1005-1}", "{1005}", "{ws}", "{ws}", "{c}", "{0}", "{0}", "{9}", "{s1005-1}"),
                    List.of(SetWriter.CHANGED_SEATS, "{seat1005}", "{1005}", "{u1005}", "{NULL}", "{NULL}", "{1}", "{seat1005}"))) {
                String sql = statement.getFirst();
                for (String plan : plans(d, true, sql, statement.subList(1, statement.size()).toArray(String[]::new))) {
                    assertThat(scans(plan)).as("a read of the whole table in\n%s\nfor\n%s", plan, sql).isFalse();
                }
            }
        }
    }

    @Test
    void aScanByThePoolOnlyOrWithNoConditionCountsAsAWholeTableRead() {
        assertThat(wideScans("""
                Nested Loop
                  ->  Index Scan using seats_by_user on seats s_1
                        Index Cond: ((product = x_1.p) AND (feature = x_1.f))
                  ->  Index Scan using seats_by_user_only on seats s_2
                  ->  Index Scan using seats_pkey on seats s_3
                        Index Cond: (id = c.seat_id)
                  ->  Index Scan using seats_borrowed on seats s_4
                        Index Cond: ((product = y.p) AND (feature = y.f))
                  ->  Bitmap Heap Scan on checkouts c
                        Recheck Cond: (session_id = ANY ($7))""")).hasSize(2);
    }

    @Test
    void peopleAreFoundByIdOrByKeyThroughIndexes() {
        assertIndexOnly(SharedReads.PEOPLE, "{1005,1006}", "{u7,u9,nobody}");
        assertIndexOnly(SharedReads.KEY_OWNERS, "{u7,u9,nobody}");
        assertIndexOnly(SharedReads.NEW_PEOPLE_IDS, "{u7,nobody}");
    }

    @Test
    void sessionsAndTheirCheckoutsAreFoundByIdAndByTheSeatsNamed() {
        for (boolean named : List.of(false, true)) {
            String[] params = named ? new String[] {"{s1005-1,new}", "{seat1010}", "{1011}", "{u1012}"} : new String[] {"{s1005-1,new}"};
            assertIndexOnly(SharedReads.checkoutsOf(named), params);
            assertIndexOnly(SharedReads.sessionsOf(named), params);
        }
    }

    @Test
    void seatsAreFoundByIdByHolderAndByLoan() {
        assertIndexOnly(SharedReads.NAMED_SEATS, "{seat1010,seat-gone}", "{1011}", "{u1012}");
        assertIndexOnly(SharedReads.SEATS_OF, "{cad,cad}", "{cal,cal}", "{1005,1006}", "{seat1010}", "{cad}", "{cal}");
        assertIndexOnly(SharedReads.SEATS_AHEAD, "{cad,cad}", "{cal,cal}", "{1005,NULL}", "{cad,cad}", "{cal,cal}", "{NULL,u1006}",
                "{s1007-1,new}", "{cad}", "{cal}");
        assertIndexOnly(SharedReads.IN_USE, "{cad}", "{cal}");
    }

    @Test
    void whenTheStatisticsCallTheTablesSmallTheGroupsSettingsStillReadThroughIndexes() {
        // Without them the planner reads small tables whole, and while its statistics lag behind a burst of checkouts
        // that is every row the burst left behind, dead ones included.
        String[] params = {"{cad,cad}", "{cal,cal}", "{1005,NULL}", "{cad,cad}", "{cal,cal}", "{NULL,u1006}", "{s1007-1,new}", "{cad}", "{cal}"};
        assertThat(plans(small, false, SharedReads.SEATS_AHEAD, params)).as("without the group's settings").anyMatch(SharedReadsPlanTest::scans);
        assertThat(plans(small, true, SharedReads.SEATS_AHEAD, params)).as("with them").noneMatch(SharedReadsPlanTest::scans);
        assertThat(plans(small, true, SharedReads.PEOPLE, "{1005}", "{u7}")).noneMatch(SharedReadsPlanTest::scans);
        assertThat(plans(small, true, SharedReads.sessionsOf(false), "{s1005-1}")).noneMatch(SharedReadsPlanTest::scans);
        assertThat(plans(small, true, SharedReads.checkoutsOf(false), "{s1005-1}")).noneMatch(SharedReadsPlanTest::scans);
    }
}
