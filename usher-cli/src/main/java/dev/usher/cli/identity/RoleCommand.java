package dev.usher.cli.identity;

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

/** {@code usher role ...}: groups of users, to give seats to teams (built in: All Users, Administrators). */
@Command(name = "role", mixinStandardHelpOptions = true,
        description = "List, add and remove roles and their members. All Users (everyone) and Administrators are built in.",
        subcommands = {RoleCommand.ListRoles.class, RoleCommand.Add.class, RoleCommand.Remove.class, RoleCommand.Members.class,
                RoleCommand.Grant.class, RoleCommand.Revoke.class})
public final class RoleCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "usher role needs a command: list, add, remove, members, grant or revoke");
    }

    private static boolean isAllUsers(JsonNode role) {
        return "all-users".equals(Text.of(role.get("builtIn")));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List roles with their member counts and LDAP groups.")
    static final class ListRoles implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode r : api.get("/api/v1/roles")) {
                    rows.add(List.of(r.get("name").asString(), isAllUsers(r) ? "everyone (" + r.get("members").asInt() + ")"
                            : String.valueOf(r.get("members").asInt()), Text.of(r.get("ldapGroup")),
                            r.get("builtIn").isNull() ? "" : "built in"));
                }
                Text.table(spec.commandLine().getOut(), List.of("ROLE", "MEMBERS", "LDAP GROUP", ""), rows);
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a role.")
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--ldap-group", paramLabel = "GROUP",
                description = "Members of this directory group are members of the role (kept in sync at sign-in and directory sync).")
        String ldapGroup;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("ldapGroup", ldapGroup);
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode r = api.post("/api/v1/roles", body);
                spec.commandLine().getOut().println("added role " + r.get("name").asString()
                        + (r.get("ldapGroup").isNull() ? "" : " (members of LDAP group " + r.get("ldapGroup").asString() + ")"));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a role (its members stay users; seat rules for the role no longer apply).")
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode r = api.role(name);
                api.delete("/api/v1/roles/" + r.get("id").asLong());
                spec.commandLine().getOut().println("removed role " + r.get("name").asString());
            }
            return 0;
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "List the members of a role.")
    static final class Members implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode r = api.role(name);
                if (isAllUsers(r)) {
                    out.println(r.get("name").asString() + " contains every user (" + r.get("members").asInt() + "): see usher user list");
                    return 0;
                }
                JsonNode members = api.get("/api/v1/roles/" + r.get("id").asLong() + "/members");
                if (members.isEmpty()) {
                    out.println(r.get("name").asString() + " has no members; add one with: usher role grant " + r.get("name").asString() + " USER");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode u : members) {
                    rows.add(List.of(u.get("name").asString(), Text.of(u.get("displayName")), u.get("source").asString(),
                            u.get("enabled").asBoolean() ? "yes" : "NO"));
                }
                Text.table(out, List.of("NAME", "DISPLAY NAME", "SOURCE", "ENABLED"), rows);
            }
            return 0;
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Make a user a member of a role.")
    static final class Grant implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "ROLE") String role;
        @Parameters(index = "1", paramLabel = "USER", description = "Name or alias.") String user;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode r = api.role(role);
                JsonNode u = api.user(user);
                String roleName = r.get("name").asString();
                String userName = u.get("name").asString();
                if (!isAllUsers(r) && contains(u.get("roles"), roleName)) {
                    spec.commandLine().getOut().println(userName + " is in " + roleName + " already");
                    return 0;
                }
                api.put("/api/v1/roles/" + r.get("id").asLong() + "/members/" + u.get("id").asLong(), Map.of());
                spec.commandLine().getOut().println(userName + " is now in " + roleName);
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Take a user out of a role.")
    static final class Revoke implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(index = "0", paramLabel = "ROLE") String role;
        @Parameters(index = "1", paramLabel = "USER", description = "Name or alias.") String user;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode r = api.role(role);
                JsonNode u = api.user(user);
                String roleName = r.get("name").asString();
                String userName = u.get("name").asString();
                if (!isAllUsers(r) && !contains(u.get("roles"), roleName)) {
                    spec.commandLine().getOut().println(userName + " is not in " + roleName + "; nothing changed");
                    return 0;
                }
                api.delete("/api/v1/roles/" + r.get("id").asLong() + "/members/" + u.get("id").asLong());
                spec.commandLine().getOut().println(userName + " is no longer in " + roleName);
            }
            return 0;
        }
    }

    private static boolean contains(JsonNode names, String name) {
        for (JsonNode n : names) {
            if (n.asString().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
