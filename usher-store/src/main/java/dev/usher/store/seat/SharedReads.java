package dev.usher.store.seat;

/**
 * The SQL a shared group (PostgreSQL) reads its partial book with, in one place so that
 * {@code SharedReadsPlanTest} can ask PostgreSQL for each one's plan on tables of realistic size.
 *
 * <p>Every text here runs while the group holds its pools' locks, so every node's decisions about those pools wait for
 * it: each must find its rows through indexes, at a cost that does not grow with the number of people, sessions or
 * seats. That rules out {@code OR} between lookups of different columns ({@code s.id = ANY(?) OR s.user_id = ANY(?)}):
 * PostgreSQL answers such a filter with a scan of the whole table (measured: 18–53 ms a read with 50,000 seats, where
 * the lookups take 0.3 ms). Each alternative is therefore its own index lookup, joined with {@code UNION ALL} into a set
 * of ids the outer query fetches by primary key. Parameters are arrays, bound in the order of their {@code ?}.
 */
final class SharedReads {

    private SharedReads() {}

    /** A seat row as {@link SeatRows#seat} reads it, with its holder's name; completed by a condition on {@code s}. */
    static final String SEATS = "SELECT " + SeatRows.SEAT_COLUMNS + " FROM seats s JOIN users u ON u.id = s.user_id ";

    /** People by id or by key (through the aliases), with their roles: params ids, keys. */
    static final String PEOPLE = """
            SELECT u.id, u.name, u.enabled, ARRAY(SELECT m.role_id FROM role_members m WHERE m.user_id = u.id)
            FROM users u WHERE u.id IN (
              SELECT unnest(CAST(? AS bigint[]))
              UNION ALL SELECT a.user_id FROM user_aliases a WHERE a.alias_key = ANY(CAST(? AS text[])))""";

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
    static final String NAMED_SEATS = SEATS.replace("SELECT ", "SELECT ARRAY(SELECT c.session_id FROM checkouts c WHERE c.seat_id = s.id), ")
            + "WHERE s.id IN (" + NAMED_IDS + ")";

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

    /**
     * The seats of people in pools (products, features and user ids, one entry per person and pool), the seats named by
     * id, and the loans of pools (products, features).
     */
    static final String SEATS_OF = SEATS + """
            WHERE s.id IN (
              SELECT h.id FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS x(p, f, u)
                JOIN seats h ON h.product = x.p AND h.feature = x.f AND h.user_id = x.u
              UNION ALL SELECT unnest(CAST(? AS text[]))
              UNION ALL SELECT l.id FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS y(p, f)
                JOIN seats l ON l.product = y.p AND l.feature = y.f AND l.borrowed_until IS NOT NULL)""";

    /**
     * The same as {@link #SEATS_OF} read ahead, before the people are known: each person by id or, when the id is null,
     * by key (products, features, ids, keys); then the seats of the sessions named (session ids), and the loans of pools.
     */
    static final String SEATS_AHEAD = SEATS + """
            WHERE s.id IN (
              SELECT h.id FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[])) AS x(p, f, id, k)
                JOIN seats h ON h.product = x.p AND h.feature = x.f
                 AND h.user_id = COALESCE(x.id, (SELECT a.user_id FROM user_aliases a WHERE a.alias_key = x.k))
              UNION ALL SELECT c.seat_id FROM checkouts c WHERE c.session_id = ANY(CAST(? AS text[]))
              UNION ALL SELECT l.id FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS y(p, f)
                JOIN seats l ON l.product = y.p AND l.feature = y.f AND l.borrowed_until IS NOT NULL)""";

    /** Each pool's seats in use, from its counter: params products, features. */
    static final String IN_USE = """
            SELECT x.p, x.f, COALESCE(pc.in_use, 0)
            FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS x(p, f)
            LEFT JOIN pool_counters pc ON pc.product = x.p AND pc.feature = x.f""";
}
