package dev.usher.cli.identity;

import dev.usher.cli.common.CliException;
import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code usher user ...}: people. A user is named by any of their spellings (name or alias); the
 * command resolves it to exactly one user or says why it cannot.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "List, add and change users; aliases (other spellings of one person); merge duplicates.",
        subcommands = {UserCommand.ListUsers.class, UserCommand.Add.class, UserCommand.Show.class, UserCommand.Alias.class,
                UserCommand.Unalias.class, UserCommand.Merge.class, UserCommand.Disable.class, UserCommand.Enable.class,
                UserCommand.Password.class, StrayCommand.class})
public final class UserCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "usher user needs a command: list, add, show, alias, unalias, merge, disable, enable, password or stray");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users (name, source, roles, aliases, last seen).")
    static final class ListUsers implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Option(names = "--search", paramLabel = "TEXT", description = "Only users whose name, alias, display name or e-mail contains TEXT.")
        String search;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N users (1-1000; default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "Print {items, total, offset, limit} as the API answers it, for scripts.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) {
                throw new CliException("--limit must be between 1 and 1000");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode page = api.get("/api/v1/users?limit=" + limit
                        + (search == null || search.isBlank() ? "" : "&search=" + IdentityApi.encode(search.strip())));
                if (json) {
                    dev.usher.cli.admin.JsonOutput.print(out, page);
                    return 0;
                }
                JsonNode items = page.get("items");
                if (items.isEmpty()) {
                    out.println(search == null ? "no users" : "no user matches '" + search.strip() + "'");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode u : items) {
                    rows.add(List.of(u.get("name").asString(), Text.of(u.get("displayName")), Text.of(u.get("email")),
                            u.get("source").asString(), u.get("enabled").asBoolean() ? "yes" : "NO",
                            Text.list(u.get("roles")), Text.list(u.get("aliases")), Text.time(u.get("lastSeenAt"))));
                }
                Text.table(out, List.of("NAME", "DISPLAY NAME", "E-MAIL", "SOURCE", "ENABLED", "ROLES", "ALIASES", "LAST SEEN"), rows);
                int total = page.get("total").asInt();
                if (total > items.size()) {
                    out.println("(" + items.size() + " of " + total + " users; narrow with --search or raise --limit)");
                }
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a user. A local user gets a password: from standard input with --password-stdin,"
                    + " or a generated one printed once. --ldap adds a directory user, who signs in with the directory password."})
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME", description = "The user name (how clients and sign-in name the person).") String name;
        @Option(names = "--display-name", paramLabel = "TEXT") String displayName;
        @Option(names = "--email", paramLabel = "ADDRESS") String email;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.") boolean passwordStdin;
        @Option(names = "--ldap", description = "A directory (LDAP / Active Directory) user: no local password.") boolean ldap;

        @Override
        public Integer call() {
            if (ldap && passwordStdin) {
                throw new CliException("--ldap users sign in with their directory password: leave out --password-stdin");
            }
            String password = ldap ? null : passwordStdin ? Text.passwordFromStdin() : Text.generatedPassword();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("displayName", displayName);
            body.put("email", email);
            body.put("password", password);
            body.put("source", ldap ? "ldap" : "local");
            PrintWriter out = spec.commandLine().getOut();
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode u = api.post("/api/v1/users", body);
                out.println("added " + u.get("source").asString() + " user " + u.get("name").asString() + " (id " + u.get("id").asLong() + ")");
                if (!ldap && !passwordStdin) {
                    out.println("password (shown once, store it now): " + password);
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one user: details, aliases, roles, seats held.")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME", description = "Name or alias.") String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode u = api.user(name);
                out.println("name:          " + u.get("name").asString());
                out.println("id:            " + u.get("id").asLong());
                out.println("display name:  " + Text.of(u.get("displayName")));
                out.println("e-mail:        " + Text.of(u.get("email")));
                out.println("source:        " + u.get("source").asString());
                out.println("enabled:       " + (u.get("enabled").asBoolean() ? "yes" : "no"));
                out.println("created:       " + Text.time(u.get("createdAt")));
                out.println("last seen:     " + Text.time(u.get("lastSeenAt")));
                out.println("aliases:       " + Text.list(u.get("aliases")));
                out.println("roles:         " + Text.list(u.get("roles")));
                List<String> seats = new ArrayList<>();
                for (JsonNode s : api.get("/api/v1/seats")) {
                    if (s.get("user").asString().equals(u.get("name").asString())) {
                        seats.add(s.get("product").asString() + "/" + s.get("feature").asString() + " (seat " + s.get("seatId").asString()
                                + ", " + s.get("sessions").size() + " session(s))");
                    }
                }
                out.println("seats:         " + (seats.isEmpty() ? "-" : String.join(", ", seats)));
            }
            return 0;
        }
    }

    @Command(name = "alias", mixinStandardHelpOptions = true,
            description = "Add another spelling of a user (e.g. CORP\\alice, alice@corp.example): clients using it get this user's seat.")
    static final class Alias implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "NAME", description = "The user (name or alias).") String name;
        @Parameters(index = "1", paramLabel = "ALIAS", description = "The new spelling.") String alias;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode u = api.post("/api/v1/users/" + api.userId(name) + "/aliases", Map.of("alias", alias));
                spec.commandLine().getOut().println("'" + alias.strip() + "' now means " + u.get("name").asString()
                        + " (aliases: " + Text.list(u.get("aliases")) + ")");
            }
            return 0;
        }
    }

    @Command(name = "unalias", mixinStandardHelpOptions = true, description = "Remove a spelling from a user.")
    static final class Unalias implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "NAME", description = "The user (name or alias).") String name;
        @Parameters(index = "1", paramLabel = "ALIAS", description = "The spelling to remove.") String alias;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode before = api.user(name);
                JsonNode u = api.delete("/api/v1/users/" + before.get("id").asLong() + "/aliases/" + IdentityApi.encode(alias.strip()));
                if (u.get("aliases").size() == before.get("aliases").size()) {
                    throw new CliException("'" + alias.strip() + "' is not an alias of " + before.get("name").asString()
                            + " (aliases: " + Text.list(before.get("aliases")) + ")");
                }
                spec.commandLine().getOut().println("'" + alias.strip() + "' no longer means " + u.get("name").asString()
                        + " (aliases: " + Text.list(u.get("aliases")) + ")");
            }
            return 0;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = {"Merge user FROM into user INTO: FROM's names, roles, sessions and seats move to INTO and FROM is removed."
                    + " Where both hold a seat of one pool, one seat is released: never two seats for one person.",
                    "Without --yes, only shows what would happen."})
    static final class Merge implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "INTO", description = "The user who stays.") String into;
        @Parameters(index = "1", paramLabel = "FROM", description = "The duplicate, merged in and removed.") String from;
        @Option(names = "--yes", description = "Merge (without it, only the preview is shown).") boolean yes;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode intoUser = api.user(into);
                JsonNode fromUser = api.user(from);
                long intoId = intoUser.get("id").asLong();
                long fromId = fromUser.get("id").asLong();
                if (intoId == fromId) {
                    throw new CliException("'" + into + "' and '" + from + "' are already one user: " + intoUser.get("name").asString());
                }
                if (!yes) {
                    JsonNode p = api.get("/api/v1/users/" + intoId + "/merge?from=" + fromId);
                    out.println("merge " + fromUser.get("name").asString() + " into " + intoUser.get("name").asString() + ":");
                    out.println("  names that will mean " + intoUser.get("name").asString() + ": " + Text.list(p.get("aliasesMoving")));
                    out.println("  roles that move: " + Text.list(p.get("rolesMoving")));
                    out.println("  seats held by " + fromUser.get("name").asString() + ": " + p.get("seatsOfFrom").asInt());
                    out.println("  " + p.get("note").asString());
                    out.println("nothing changed: run again with --yes to merge");
                    return 0;
                }
                JsonNode r = api.post("/api/v1/users/" + intoId + "/merge", Map.of("from", fromId));
                out.println("merged " + fromUser.get("name").asString() + " into " + r.get("user").get("name").asString() + ": "
                        + r.get("aliasesMoved").asInt() + " name(s), " + r.get("rolesMoved").asInt() + " role(s), "
                        + r.get("sessionsMoved").asInt() + " session(s) and " + r.get("seatsMoved").asInt() + " seat(s) moved; "
                        + r.get("seatsReleased").asInt() + " duplicate seat(s) released");
                out.println(r.get("user").get("name").asString() + " is now also: " + Text.list(r.get("user").get("aliases")));
            }
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Disable a user: no sign-in, no new seats. The seats they hold go back to their pools and their",
                    "applications are told why at the next heartbeat; a seat on loan stays lent until its date."})
    static final class Disable implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME", description = "Name or alias.") String name;
        @Option(names = "--reason", paramLabel = "TEXT",
                description = "Why (one line, at most 200 characters): recorded, and shown to the user by their application.")
        String reason;

        @Override
        public Integer call() {
            return setEnabled(spec, options, name, false, reason);
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled user again.")
    static final class Enable implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME", description = "Name or alias.") String name;

        @Override
        public Integer call() {
            return setEnabled(spec, options, name, true, null);
        }
    }

    private static int setEnabled(CommandSpec spec, AdminOptions options, String name, boolean enabled, String reason) {
        try (IdentityApi api = IdentityApi.open(options)) {
            JsonNode u = api.patch("/api/v1/users/" + api.userId(name),
                    reason == null ? Map.of("enabled", enabled) : Map.of("enabled", enabled, "reason", reason));
            spec.commandLine().getOut().println((enabled ? "enabled " : "disabled ") + u.get("name").asString());
        }
        return 0;
    }

    @Command(name = "password", mixinStandardHelpOptions = true,
            description = {"Set a local user's password: from standard input with --password-stdin, or a generated one printed once.",
                    "Locked out of every admin account with no server access? Use usher admin reset-password (offline)."})
    static final class Password implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME", description = "Name or alias.") String name;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.") boolean passwordStdin;

        @Override
        public Integer call() {
            String password = passwordStdin ? Text.passwordFromStdin() : Text.generatedPassword();
            PrintWriter out = spec.commandLine().getOut();
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode user = api.user(name);
                if ("auto".equals(user.get("source").asString())) {
                    // The server would store it, but sign-in never checks a password for such a user.
                    throw new CliException(user.get("name").asString() + " was created automatically by a client in open mode and"
                            + " cannot sign in with a password; add a local user for the person (usher user add) and merge this one into it");
                }
                JsonNode u = api.patch("/api/v1/users/" + user.get("id").asLong(), Map.of("password", password));
                out.println("password of " + u.get("name").asString() + " set");
                if (!passwordStdin) {
                    out.println("password (shown once, store it now): " + password);
                }
            }
            return 0;
        }
    }
}
