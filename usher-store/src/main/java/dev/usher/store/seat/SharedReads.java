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

    /** A seat row as {@link SeatRows#seat} reads it, with its holder's name; completed by a condition on {@code s}. */
    static final String SEATS = "SELECT " + SeatRows.SEAT_COLUMNS + " FROM seats s JOIN users u ON u.id = s.user_id ";

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
    private static final String NAMED_IDS = """
            SELECT unnest(CAST(? AS text[]))
            UNION ALL SELECT s.id FROM seats s WHERE s.user_id = ANY(CAST(? AS bigint[]))
            UNION ALL SELECT s.id FROM user_aliases a JOIN seats s ON s.user_id = a.user_id WHERE a.alias_key = ANY(CAST(? AS text[]))""";

    /** The named seats ({@link #NAMED_IDS}'s params), each with the sessions on it first. */
    static final String NAMED_SEATS = named("s.id = ANY(CAST(? AS text[]))")
            + "\nUNION ALL " + named("s.user_id = ANY(CAST(? AS bigint[]))")
            + "\nUNION ALL " + named("s.user_id IN (SELECT a.user_id FROM user_aliases a WHERE a.alias_key = ANY(CAST(? AS text[])))");

    private static String named(String condition) {
        return SEATS.replace("SELECT ", "SELECT ARRAY(SELECT c.session_id FROM checkouts c WHERE c.seat_id = s.id), ") + "WHERE " + condition;
    }

    /** The sessions named: param session ids. */
    private static final String WANTED = "WITH want AS (SELECT unnest(CAST(? AS text[])) AS id) ";

    /** The sessions named, and those on the named seats: params session ids, then {@link #NAMED_IDS}'s. */
    private static final String WANTED_AND_ON_NAMED = "WITH want AS (SELECT unnest(CAST(? AS text[])) AS id UNION "
            + "SELECT c.session_id FROM checkouts c WHERE c.seat_id IN (" + NAMED_IDS + ")) ";

    private static final String CHECKOUTS_OF_WANTED = "SELECT session_id, product, feature, seat_id FROM checkouts "
            + "WHERE session_id IN (SELECT id FROM want)";

    private static final String SESSIONS_OF_WANTED = "SELECT " + SeatRows.SESSION_COLUMNS
            + " FROM sessions x JOIN users u ON u.id = x.user_id WHERE x.id IN (SELECT id FROM want)";

    /** The checkouts of the sessions named (param session ids), or also of those on named seats (then {@link #NAMED_IDS}'s). */
    static String checkoutsOf(boolean alsoOnNamedSeats) {
        return (alsoOnNamedSeats ? WANTED_AND_ON_NAMED : WANTED) + CHECKOUTS_OF_WANTED;
    }

    /** The sessions themselves, with the same params as {@link #checkoutsOf}. */
    static String sessionsOf(boolean alsoOnNamedSeats) {
        return (alsoOnNamedSeats ? WANTED_AND_ON_NAMED : WANTED) + SESSIONS_OF_WANTED;
    }

    /** The seats on loan from pools: params products, features. */
    private static final String LOANS = "SELECT " + SeatRows.SEAT_COLUMNS + "\n" + """
             FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS y(p, f)
              JOIN seats s ON s.product = y.p AND s.feature = y.f AND s.borrowed_until IS NOT NULL JOIN users u ON u.id = s.user_id""";

    /** People's seats in pools: params products, features, user ids (one entry per person and pool). */
    private static final String HELD_BY_IDS = "SELECT " + SeatRows.SEAT_COLUMNS + "\n" + """
             FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS x(p, f, id)
              JOIN seats s ON s.product = x.p AND s.feature = x.f AND s.user_id = x.id JOIN users u ON u.id = s.user_id""";

    /**
     * The seats of people in pools ({@link #HELD_BY_IDS}'s params), the seats named by id, and the loans of pools
     * ({@link #LOANS}'s params). Each part is its own lookup, driven by what it names.
     */
    static final String SEATS_OF = HELD_BY_IDS + "\nUNION ALL " + SEATS + "WHERE s.id = ANY(CAST(? AS text[]))\nUNION ALL " + LOANS;

    /**
     * The same as {@link #SEATS_OF} read ahead, before the people are known: each person in a pool by id (products,
     * features, ids: null for a person named by key), then by key (products, features, keys: null for one named by id);
     * the seats of the sessions named (session ids), and the loans of pools.
     */
    static final String SEATS_AHEAD = HELD_BY_IDS + "\nUNION ALL SELECT " + SeatRows.SEAT_COLUMNS + "\n" + """
             FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS x(p, f, k)
              JOIN user_aliases a ON a.alias_key = x.k
              JOIN seats s ON s.product = x.p AND s.feature = x.f AND s.user_id = a.user_id JOIN users u ON u.id = s.user_id
            UNION ALL SELECT\s""" + SeatRows.SEAT_COLUMNS + "\n" + """
             FROM checkouts c JOIN seats s ON s.id = c.seat_id JOIN users u ON u.id = s.user_id
            WHERE c.session_id = ANY(CAST(? AS text[]))
            UNION ALL\s""" + LOANS;

    /** Each pool's seats in use, from its counter: params products, features. */
    static final String IN_USE = """
            SELECT x.p, x.f, COALESCE(pc.in_use, 0)
            FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS x(p, f)
            LEFT JOIN pool_counters pc ON pc.product = x.p AND pc.feature = x.f""";
}
