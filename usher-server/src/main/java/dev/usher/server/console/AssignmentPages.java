package dev.usher.server.console;

import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserNames;
import dev.usher.core.seat.SeatLedger;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.seat.PoolCatalog;
import dev.usher.server.seat.RuleSetCodec;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Assignment rules per pool, edited as rows with the problems shown on the row, and the "explain" box. */
final class AssignmentPages {

    private static final int BLANK_ROWS = 2;
    private static final int USER_SUGGESTIONS = 500;
    private static final List<String> KINDS = List.of("reserve", "limit", "deny", "allow-only");

    private final Console console;
    private final SeatService seats;
    private final IdentityService identity;

    AssignmentPages(Console console, SeatService seats, IdentityService identity) {
        this.console = console;
        this.seats = seats;
        this.identity = identity;
    }

    void register(RoutesConfig r) {
        r.get("/assignments", console.page((ctx, a) -> show(ctx, a, null, null)));
        r.post("/assignments/{product}/{feature}", console.action(this::save));
        r.get("/assignments/explain", console.page(this::explain));
    }

    private void show(Context ctx, ConsoleSession.Admin a, Pages.PoolRules edited, Pages.Explain explain) {
        List<Pages.PoolRules> pools = new ArrayList<>();
        for (SeatService.PoolView p : seats.pools()) {
            if (edited != null && edited.product().equals(p.key().product()) && edited.feature().equals(p.key().feature())) {
                pools.add(edited);
            } else {
                pools.add(stored(p, false));
            }
        }
        List<String> roleNames = identity.users().roles().stream().map(Role::name).toList();
        // The names offered while typing (a site with more people still types any name; it is checked on save).
        List<String> userNames = identity.users().list(null, 0, USER_SUGGESTIONS).stream().map(User::name).toList();
        console.render(ctx, "assignments.jte", new Pages.Assignments(console.shell(a, "Assignments", "assignments"), pools, roleNames,
                userNames, explain == null ? emptyExplain() : explain));
    }

    private Pages.Explain emptyExplain() {
        return new Pages.Explain("", "", poolNames(), null, null, null, null);
    }

    private List<String> poolNames() {
        return seats.pools().stream().map(p -> p.key().toString()).toList();
    }

    private Pages.PoolRules stored(SeatService.PoolView p, boolean saved) {
        PoolCatalog.Rules rules = seats.rules(p.key().product(), p.key().feature());
        List<Pages.RuleRow> rows = new ArrayList<>();
        for (RuleSetCodec.RuleJson r : rules.json().rules()) {
            rows.add(new Pages.RuleRow(rows.size(), r.kind(), roles(r), users(r), r.seats() == null ? "" : String.valueOf(r.seats()), null));
        }
        for (int i = 0; i < BLANK_ROWS; i++) {
            rows.add(Pages.RuleRow.blank(rows.size()));
        }
        return new Pages.PoolRules(p.key().product(), p.key().feature(), p.capacity(), rules.version(), rows,
                warnings(p, rules), summary(p, rules), saved);
    }

    private static List<String> warnings(SeatService.PoolView p, PoolCatalog.Rules rules) {
        int reserved = rules.assignments().reservedSeats();
        return reserved > p.capacity()
                ? List.of("The reserves add up to " + reserved + " seats but only " + p.capacity() + " are licensed now: they shrink in proportion.")
                : List.of();
    }

    private static String summary(SeatService.PoolView p, PoolCatalog.Rules rules) {
        if (rules.json().rules().isEmpty()) {
            return "No rules: everyone shares the " + p.capacity() + " seats.";
        }
        var a = rules.assignments();
        return a.reservedSeats() + " of " + p.capacity() + " seats reserved; " + a.sharedSeats(p.capacity()) + " shared.";
    }

    private static List<String> roles(RuleSetCodec.RuleJson r) {
        List<String> out = new ArrayList<>();
        if (r.role() != null) {
            out.add(r.role());
        }
        if (r.roles() != null) {
            out.addAll(r.roles());
        }
        return out;
    }

    private static String users(RuleSetCodec.RuleJson r) {
        List<String> out = new ArrayList<>();
        if (r.user() != null) {
            out.add(r.user());
        }
        if (r.users() != null) {
            out.addAll(r.users());
        }
        return String.join(", ", out);
    }

    private void save(Context ctx, ConsoleSession.Admin a) {
        String product = ctx.pathParam("product");
        String feature = ctx.pathParam("feature");
        Optional<SeatService.PoolView> pool = seats.pools().stream()
                .filter(p -> p.key().product().equals(product) && p.key().feature().equals(feature)).findFirst();
        if (pool.isEmpty()) {
            console.problem(ctx, a, 404, "No such pool", "There is no pool " + product + "/" + feature + ".");
            return;
        }
        long version = parseLong(Console.trimmed(ctx, "version"));
        int count = (int) Math.min(120, parseLong(Console.trimmed(ctx, "rows")));
        List<Pages.RuleRow> rows = new ArrayList<>();
        List<RuleSetCodec.RuleJson> rules = new ArrayList<>();
        boolean rowErrors = false;
        for (int i = 0; i < count; i++) {
            String kind = Console.trimmed(ctx, "kind" + i).toLowerCase(Locale.ROOT);
            List<String> roles = ctx.formParams("roles" + i).stream().map(String::strip).filter(x -> !x.isEmpty()).distinct().toList();
            String users = Console.trimmed(ctx, "users" + i);
            String seatsText = Console.trimmed(ctx, "seats" + i);
            if (kind.isEmpty()) {
                continue; // an empty row, or one whose rule was set to "—" to remove it
            }
            String error = null;
            RuleSetCodec.RuleJson rule = null;
            try {
                rule = rule(kind, roles, users, seatsText);
                RuleSetCodec.resolve(new RuleSetCodec.RuleSetJson(List.of(rule)), identity.users(), identity.names());
            } catch (IllegalArgumentException e) {
                error = sentence(e.getMessage());
                rowErrors = true;
            }
            rows.add(new Pages.RuleRow(rows.size(), kind, roles, users, seatsText, error));
            if (rule != null) {
                rules.add(rule);
            }
        }
        List<String> problems = new ArrayList<>();
        if (!rowErrors) {
            try {
                var resolved = RuleSetCodec.resolve(new RuleSetCodec.RuleSetJson(rules), identity.users(), identity.names());
                long saved = seats.saveRules(product, feature, resolved, version);
                if (saved >= 0) {
                    identity.users().recordAdminEvent(identity.now(), "rules-saved", a.name(), ctx.ip(), product + "/" + feature,
                            RuleSetCodec.write(resolved));
                    console.done(ctx, a, "/assignments#pool-" + (product + "-" + feature).replaceAll("[^A-Za-z0-9_-]", "_"),
                            "Saved the rules of " + product + "/" + feature + " (" + rules.size() + " rule(s)).");
                    return;
                }
                problems.add("Someone saved these rules after you opened this page. Your changes are below but not saved:"
                        + " reload the page to see theirs, then apply yours again.");
            } catch (IllegalArgumentException e) {
                problems.add(sentence(e.getMessage()));
            }
        } else {
            problems.add("Nothing was saved: fix the rules marked below.");
        }
        for (int i = 0; i < BLANK_ROWS; i++) {
            rows.add(Pages.RuleRow.blank(rows.size()));
        }
        SeatService.PoolView p = pool.get();
        ctx.status(422);
        show(ctx, a, new Pages.PoolRules(product, feature, p.capacity(), version, rows, problems,
                summary(p, seats.rules(product, feature)), false), null);
    }

    /** One row of the form as the codec's rule: the roles picked and the users named; says in words what is missing. */
    private static RuleSetCodec.RuleJson rule(String kind, List<String> roles, String usersText, String seatsText) {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("choose what the rule does: reserve, limit, deny or allow-only");
        }
        List<String> users = new ArrayList<>();
        for (String u : usersText.split(",")) {
            if (!u.isBlank()) {
                users.add(u.strip());
            }
        }
        if (roles.isEmpty() && users.isEmpty()) {
            throw new IllegalArgumentException("pick the role the rule is for, or type a user's name");
        }
        Integer seats = null;
        if (!kind.equals("deny") && !kind.equals("allow-only")) {
            try {
                seats = Integer.parseInt(seatsText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a " + kind + " rule needs a number of seats");
            }
        }
        if (kind.equals("allow-only")) {
            return new RuleSetCodec.RuleJson(kind, null, null, null, null, null, roles, null, users, null);
        }
        if (roles.size() + users.size() != 1) {
            throw new IllegalArgumentException("a " + kind + " rule is for one role or one user: pick one (only allow-only takes several)");
        }
        return new RuleSetCodec.RuleJson(kind, roles.isEmpty() ? null : roles.getFirst(), null,
                users.isEmpty() ? null : users.getFirst(), null, seats, null, null, null, null);
    }

    private void explain(Context ctx, ConsoleSession.Admin a) {
        String name = Optional.ofNullable(ctx.queryParam("user")).orElse("").strip();
        String pool = Optional.ofNullable(ctx.queryParam("pool")).orElse("").strip();
        Pages.Explain result;
        int slash = pool.indexOf('/');
        if (name.isEmpty()) {
            result = new Pages.Explain(name, pool, poolNames(), null, null, null, "Type a user name.");
        } else if (slash < 0) {
            result = new Pages.Explain(name, pool, poolNames(), null, null, null, "Choose a pool.");
        } else {
            Optional<User> user;
            try {
                user = identity.users().resolve(identity.names().key(name));
            } catch (UserNames.InvalidNameException e) {
                user = Optional.empty();
            }
            if (user.isEmpty()) {
                result = new Pages.Explain(name, pool, poolNames(), null, null, null, "No user is named " + name
                        + " (in open mode with automatic user creation, a new name would become a new user and share the pool).");
            } else {
                SeatLedger.Explanation e = seats.explain(user.get().id(), pool.substring(0, slash), pool.substring(slash + 1));
                String outcome = switch (e.outcome()) {
                    case "holds" -> user.get().name() + " holds a seat";
                    case "would-get" -> user.get().name() + " would get a seat";
                    default -> user.get().name() + " would be refused";
                };
                result = new Pages.Explain(name, pool, poolNames(), outcome, e.code(), e.detail(), null);
            }
        }
        if (ctx.header("HX-Request") != null) {
            console.render(ctx, "explain.jte", result);
        } else {
            show(ctx, a, null, result);
        }
    }

    private static String sentence(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String t = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the form is incomplete (reload the page)");
        }
    }
}
