package dev.usher.server.seat;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Rule;
import dev.usher.core.assignment.Target;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserNames;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a pool's rules, as the API takes and shows it and as it is stored: targets are
 * named (role or user) and, once resolved, carry their ids, so renaming a role keeps its rules.
 *
 * <pre>{"rules": [{"kind": "reserve", "role": "Contractors", "seats": 5},
 *            {"kind": "limit", "role": "Interns", "seats": 2},
 *            {"kind": "deny", "user": "mallory"},
 *            {"kind": "allow-only", "roles": ["Engineers", "Contractors"], "users": ["zoe"]}]}</pre>
 */
public final class RuleSetCodec {

    /** One rule: {@code kind} is reserve, limit, deny or allow-only. */
    public record RuleJson(String kind, String role, Long roleId, String user, Long userId, Integer seats,
                           List<String> roles, List<Long> roleIds, List<String> users, List<Long> userIds) {}

    public record RuleSetJson(List<RuleJson> rules) {}

    public static final int MAX_RULES = 100;

    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private RuleSetCodec() {
    }

    public static RuleSetJson parse(byte[] body) {
        try {
            return checked(JSON.readValue(body, RuleSetJson.class));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("rules are not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Rules as read from a request: present, and at most {@link #MAX_RULES}. */
    public static RuleSetJson checked(RuleSetJson r) {
        if (r == null || r.rules() == null) {
            throw new IllegalArgumentException("send {\"rules\": [...]} (an empty list removes every rule)");
        }
        if (r.rules().size() > MAX_RULES) {
            throw new IllegalArgumentException("at most " + MAX_RULES + " rules per pool");
        }
        return r;
    }

    public static String write(RuleSetJson rules) {
        return JSON.writeValueAsString(rules);
    }

    public static RuleSetJson read(String stored) {
        return parse(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Fills in the ids of named roles and users; unknown names are refused with the name. */
    public static RuleSetJson resolve(RuleSetJson in, UserDirectory users, UserNames names) {
        List<Role> roles = users.roles();
        List<RuleJson> out = new ArrayList<>();
        for (RuleJson r : in.rules()) {
            String kind = r.kind() == null ? "" : r.kind().toLowerCase(Locale.ROOT);
            switch (kind) {
                case "reserve", "limit", "deny" -> {
                    if ((r.role() == null) == (r.user() == null)) {
                        throw new IllegalArgumentException(kind + " rule needs exactly one of \"role\" or \"user\"");
                    }
                    if (!kind.equals("deny") && (r.seats() == null || r.seats() < (kind.equals("reserve") ? 1 : 0))) {
                        throw new IllegalArgumentException(kind + " rule needs \"seats\" (" + (kind.equals("reserve") ? "at least 1" : "0 or more") + ")");
                    }
                    Long roleId = r.role() == null ? null : role(roles, r.role()).id();
                    Long userId = r.user() == null ? null : user(users, names, r.user()).id();
                    out.add(new RuleJson(kind, r.role() == null ? null : role(roles, r.role()).name(), roleId,
                            r.user(), userId, kind.equals("deny") ? null : r.seats(), null, null, null, null));
                }
                case "allow-only" -> {
                    List<String> rn = r.roles() == null ? List.of() : r.roles();
                    List<String> un = r.users() == null ? List.of() : r.users();
                    if (rn.isEmpty() && un.isEmpty()) {
                        throw new IllegalArgumentException("allow-only rule needs \"roles\" and/or \"users\"");
                    }
                    out.add(new RuleJson(kind, null, null, null, null, null, rn.stream().map(n -> role(roles, n).name()).toList(),
                            rn.stream().map(n -> role(roles, n).id()).toList(), un,
                            un.stream().map(n -> user(users, names, n).id()).toList()));
                }
                default -> throw new IllegalArgumentException("rule kind must be reserve, limit, deny or allow-only (got '" + r.kind() + "')");
            }
        }
        return new RuleSetJson(out);
    }

    /** The engine's form of resolved rules. */
    public static Assignments toAssignments(RuleSetJson resolved) {
        List<Rule> rules = new ArrayList<>();
        for (RuleJson r : resolved.rules()) {
            Target t = r.roleId() != null ? new Target.Role(r.roleId(), r.role()) : r.userId() != null ? new Target.User(r.userId(), r.user()) : null;
            switch (r.kind()) {
                case "reserve" -> rules.add(new Rule.Reserve(t, r.seats()));
                case "limit" -> rules.add(new Rule.Limit(t, r.seats()));
                case "deny" -> rules.add(new Rule.Deny(t));
                case "allow-only" -> {
                    List<Target> targets = new ArrayList<>();
                    for (int i = 0; i < r.roleIds().size(); i++) {
                        targets.add(new Target.Role(r.roleIds().get(i), r.roles().get(i)));
                    }
                    for (int i = 0; i < r.userIds().size(); i++) {
                        targets.add(new Target.User(r.userIds().get(i), r.users().get(i)));
                    }
                    rules.add(new Rule.AllowOnly(targets));
                }
                default -> throw new IllegalStateException("stored rule of unknown kind " + r.kind());
            }
        }
        return new Assignments(rules);
    }

    private static Role role(List<Role> roles, String name) {
        return roles.stream().filter(r -> r.name().equalsIgnoreCase(name.strip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no role named '" + name + "'"));
    }

    private static User user(UserDirectory users, UserNames names, String name) {
        return users.resolve(names.key(name)).orElseThrow(() -> new IllegalArgumentException("no user named '" + name + "'"));
    }
}
