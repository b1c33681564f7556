package dev.usher.store.seat;

/**
 * The SQL a shared group (PostgreSQL) reads its partial book with, in one place so that
 * {@code SharedReadsPlanTest} can ask PostgreSQL for each one's plan.
 *
 * <p>Every text here runs while the group holds its pools' locks, so every node's decisions about those pools wait for
 * it: each must find its rows through indexes, at a cost that does not grow with the number of people, sessions or
 * seats. Two things stand in the way, and each text is written against both:
 * <ul>
 *   <li>{@code OR} between lookups of different columns ({@code s.id = ANY(?) OR s.user_id = ANY(?)}): PostgreSQL
 *   answers it with a scan of the whole table (measured: 18–53 ms a read with 50,000 seats, where the lookups take
 *   0.3 ms). Each alternative is therefore its own query, driven by what it names, and they are joined with
 *   {@code UNION ALL}; a row found twice comes twice, and the loader keeps one.</li>
 *   <li>Statistics that lag behind tables whose rows come and go many times a second: the planner then expects
 *   thousands of rows and hashes a whole table, dead rows included (measured in a bench run: 1.2 ms a read-ahead,
 *   against 0.66 ms with nested loops over the same indexes). A group therefore plans with {@link #PLANNER} in its transaction: nested loops over indexes wherever one
 *   exists, which is right for lookups of a few keys whatever the table's size.</li>
 *   <li>Statistics taken when a table's rows were all dead: under load autovacuum analyzes seats, sessions and
 *   checkouts about once a minute, and may find the few live rows of the moment among thousands of dead ones. The
 *   planner then takes the table for empty and reads it whole, through an index, as the outer side of a join, the
 *   lookups it should drive turned into filters (measured on two nodes: the group's seat read went from 0.47 ms to
 *   2.5 ms after an ANALYZE and to 4.9 ms after a VACUUM, and the cycles rate fell by half). So each lookup in those
 *   tables is a lateral subquery behind OFFSET 0 ({@link #each}), run for each value the group names, and a holder's
 *   name is a subquery per row: the join order is the written one, whatever the statistics say.</li>
 * </ul>
 * The same settings make a group use each statement's generic plan once the driver prepared it on the server: planned
 * for each group, these statements took 0.6 ms of every group's time under the locks (pg_stat_statements in a bench run:
 * with the settings, 20 plans for 2,654 read-aheads).
 * Parameters are arrays, bound in the order of their {@code ?}.
 */
final class SharedReads {

    private SharedReads() {}

    /** Sent first in a group's transaction: see the class comment (each setting lasts until the transaction ends). */
    static final String PLANNER = "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),"
            + " set_config('enable_mergejoin', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)";

    /** A seat row as {@link SeatRows#seat} reads it, from {@code seats s}; the holder's name looked up for each row. */
    private static final String SEAT_ROW = SeatRows.SEAT_COLUMNS.replace("u.name", "(SELECT u.name FROM users u WHERE u.id = s.user_id)");

    /** A session row as {@link SeatRows#session} reads it, from {@code sessions x}; the holder's name looked up for each row. */
    private static final String SESSION_ROW = SeatRows.SESSION_COLUMNS.replace("u.name", "(SELECT u.name FROM users u WHERE u.id = x.user_id)");

    /**
     * {@code select}, run once for each row of what comes before it in the FROM list, as {@code alias}: see the class
     * comment. OFFSET 0 keeps PostgreSQL from merging the subquery into the join, so the order stays the written one.
     */
    private static String each(String alias, String select) {
        return " CROSS JOIN LATERAL (" + select + " OFFSET 0) " + alias;
    }

    /** The seats {@code condition} names (in terms of the rows before it), as {@code s}. */
    private static String seatsWhere(String condition) {
        return each("s", "SELECT " + SEAT_ROW + " FROM seats s WHERE " + condition);
    }

    /** The same, each with the sessions on it first. */
    private static String seatsWithSessionsWhere(String condition) {
        return each("s", "SELECT ARRAY(SELECT c.session_id FROM checkouts c WHERE c.seat_id = s.id), " + SEAT_ROW
                + " FROM seats s WHERE " + condition);
    }

    /** The owner of each key {@code k.k}, as {@code a}. */
    private static final String OWNER_OF_KEY = each("a", "SELECT a.user_id FROM user_aliases a WHERE a.alias_key = k.k");

    /** People by id, then by key (through the aliases), with their roles: params ids, keys. */
    static final String PEOPLE = """
            SELECT u.id, u.name, u.enabled, ARRAY(SELECT m.role_id FROM role_members m WHERE m.user_id = u.id)
            FROM unnest(CAST(? AS bigint[])) AS i(id) JOIN users u ON u.id = i.id
            UNION ALL
            SELECT u.id, u.name, u.enabled, ARRAY(SELECT m.role_id FROM role_members m WHERE m.user_id = u.id)
            FROM user_aliases a JOIN users u ON u.id = a.user_id WHERE a.alias_key = ANY(CAST(? AS text[]))""";

    /** Who owns each key: param keys. */
    static final String KEY_OWNERS = "SELECT alias_key, user_id FROM user_aliases WHERE alias_key = ANY(CAST(? AS text[]))";

    /** For each key nobody owns, the id a new person would get (a drawn id never used is skipped): param keys. */
    static final String NEW_PEOPLE_IDS = """
            SELECT k, nextval(pg_get_serial_sequence('users', 'id')) FROM unnest(CAST(? AS text[])) AS k
            WHERE NOT EXISTS (SELECT 1 FROM user_aliases a WHERE a.alias_key = k)""";

    /** The ids of the seats named by id or by their holders (ids, or keys through the aliases): params seat ids, user ids, keys. */
    private static final String NAMED_IDS = "SELECT unnest(CAST(? AS text[]))\n"
            + "UNION ALL SELECT s.id FROM unnest(CAST(? AS bigint[])) AS i(id)" + each("s", "SELECT s.id FROM seats s WHERE s.user_id = i.id") + "\n"
            + "UNION ALL SELECT s.id FROM unnest(CAST(? AS text[])) AS k(k)" + OWNER_OF_KEY
            + each("s", "SELECT s.id FROM seats s WHERE s.user_id = a.user_id");

    /** The named seats ({@link #NAMED_IDS}'s params), each with the sessions on it first. */
    static final String NAMED_SEATS = "SELECT s.* FROM unnest(CAST(? AS text[])) AS w(id)" + seatsWithSessionsWhere("s.id = w.id")
            + "\nUNION ALL SELECT s.* FROM unnest(CAST(? AS bigint[])) AS i(id)" + seatsWithSessionsWhere("s.user_id = i.id")
            + "\nUNION ALL SELECT s.* FROM unnest(CAST(? AS text[])) AS k(k)" + OWNER_OF_KEY + seatsWithSessionsWhere("s.user_id = a.user_id");

    /** The sessions named, each once: param session ids. */
    private static final String WANTED = "WITH want AS (SELECT DISTINCT unnest(CAST(? AS text[])) AS id) ";

    /** The sessions named, and those on the named seats: params session ids, then {@link #NAMED_IDS}'s. */
    private static final String WANTED_AND_ON_NAMED = "WITH want AS (SELECT unnest(CAST(? AS text[])) AS id UNION "
            + "SELECT c.session_id FROM (" + NAMED_IDS + ") AS n(id)" + each("c", "SELECT c.session_id FROM checkouts c WHERE c.seat_id = n.id") + ") ";

    private static final String CHECKOUTS_OF_WANTED = "SELECT c.* FROM want w"
            + each("c", "SELECT c.session_id, c.product, c.feature, c.seat_id FROM checkouts c WHERE c.session_id = w.id");

    private static final String SESSIONS_OF_WANTED = "SELECT x.* FROM want w"
            + each("x", "SELECT " + SESSION_ROW + " FROM sessions x WHERE x.id = w.id");

    /** The checkouts of the sessions named (param session ids), or also of those on named seats (then {@link #NAMED_IDS}'s). */
    static String checkoutsOf(boolean alsoOnNamedSeats) {
        return (alsoOnNamedSeats ? WANTED_AND_ON_NAMED : WANTED) + CHECKOUTS_OF_WANTED;
    }

    /** The sessions themselves, with the same params as {@link #checkoutsOf}. */
    static String sessionsOf(boolean alsoOnNamedSeats) {
        return (alsoOnNamedSeats ? WANTED_AND_ON_NAMED : WANTED) + SESSIONS_OF_WANTED;
    }

    /** The seats on loan from pools: params products, features. */
    private static final String LOANS = "SELECT s.* FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS y(p, f)"
            + seatsWhere("s.product = y.p AND s.feature = y.f AND s.borrowed_until IS NOT NULL");

    /** People's seats in pools: params products, features, user ids (one entry per person and pool). */
    private static final String HELD_BY_IDS = "SELECT s.* FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS x(p, f, id)"
            + seatsWhere("s.product = x.p AND s.feature = x.f AND s.user_id = x.id");

    /**
     * The seats of people in pools ({@link #HELD_BY_IDS}'s params), the seats named by id, and the loans of pools
     * ({@link #LOANS}'s params). Each part is its own lookup, driven by what it names.
     */
    static final String SEATS_OF = HELD_BY_IDS
            + "\nUNION ALL SELECT s.* FROM unnest(CAST(? AS text[])) AS w(id)" + seatsWhere("s.id = w.id")
            + "\nUNION ALL " + LOANS;

    /**
     * The same as {@link #SEATS_OF} read ahead, before the people are known: each person in a pool by id (products,
     * features, ids: null for a person named by key), then by key (products, features, keys: null for one named by id);
     * the seats of the sessions named (session ids), and the loans of pools.
     */
    static final String SEATS_AHEAD = HELD_BY_IDS
            + "\nUNION ALL SELECT s.* FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS k(p, f, k)" + OWNER_OF_KEY
            + seatsWhere("s.product = k.p AND s.feature = k.f AND s.user_id = a.user_id")
            + "\nUNION ALL SELECT s.* FROM unnest(CAST(? AS text[])) AS w(id)"
            + each("c", "SELECT c.seat_id FROM checkouts c WHERE c.session_id = w.id") + seatsWhere("s.id = c.seat_id")
            + "\nUNION ALL " + LOANS;

    /** Each pool's seats in use, from its counter: params products, features. */
    static final String IN_USE = """
            SELECT x.p, x.f, COALESCE(pc.in_use, 0)
            FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS x(p, f)
            LEFT JOIN pool_counters pc ON pc.product = x.p AND pc.feature = x.f""";
}
