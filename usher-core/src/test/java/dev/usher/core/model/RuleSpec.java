package dev.usher.core.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One assignment rule as docs/ASSIGNMENTS.md writes it: reserve N / limit M / deny for a role or one
 * user, or allow-only some roles and users.
 */
public record RuleSpec(Kind kind, String role, String user, int seats, List<String> roles, List<String> users) {

    public enum Kind {
        RESERVE("reserve"), LIMIT("limit"), DENY("deny"), ALLOW_ONLY("allow-only");

        final String json;

        Kind(String json) {
            this.json = json;
        }
    }

    public static RuleSpec reserve(String role, String user, int seats) {
        return new RuleSpec(Kind.RESERVE, role, user, seats, List.of(), List.of());
    }

    public static RuleSpec limit(String role, String user, int seats) {
        return new RuleSpec(Kind.LIMIT, role, user, seats, List.of(), List.of());
    }

    public static RuleSpec deny(String role, String user) {
        return new RuleSpec(Kind.DENY, role, user, 0, List.of(), List.of());
    }

    public static RuleSpec allowOnly(List<String> roles, List<String> users) {
        return new RuleSpec(Kind.ALLOW_ONLY, null, null, 0, List.copyOf(roles), List.copyOf(users));
    }

    /** Whether this (reserve, limit or deny) rule names this person, through a role or by name. */
    public boolean covers(String person) {
        if (role != null) {
            return World.inRole(person, role);
        }
        return user != null && Names.person(user).equals(person);
    }

    /** Whether an allow-only rule lets this person in. */
    public boolean admits(String person) {
        return roles.stream().anyMatch(r -> World.inRole(person, r)) || users.stream().anyMatch(u -> Names.person(u).equals(person));
    }

    /** What a seat charged to this reserve remembers: the reserve's target, so an equal reserve in a later rule set keeps counting it. */
    public String target() {
        return role != null ? "role:" + role : "user:" + Names.person(user);
    }

    public String json() {
        StringBuilder b = new StringBuilder("{\"kind\":\"").append(kind.json).append('"');
        if (kind == Kind.ALLOW_ONLY) {
            b.append(",\"roles\":").append(list(roles)).append(",\"users\":").append(list(users));
        } else {
            b.append(role != null ? ",\"role\":" + Op.json(role) : ",\"user\":" + Op.json(user));
            if (kind != Kind.DENY) {
                b.append(",\"seats\":").append(seats);
            }
        }
        return b.append('}').toString();
    }

    private static String list(List<String> names) {
        return names.stream().map(Op::json).collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALLOW_ONLY -> "allow-only" + roles + users;
            case DENY -> "deny " + (role != null ? role : "user " + user);
            default -> kind.json + " " + seats + " for " + (role != null ? role : "user " + user);
        };
    }
}
