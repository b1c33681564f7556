package dev.usher.server.auth;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * At sign-in, the roles mapped to directory groups follow what the directory (LDAP) or the identity
 * provider (OIDC) says about the person: a member of one of a role's groups joins the role, anyone else
 * leaves it. Roles without a group are the administrators' own business and are not touched. Group
 * names compare without regard to case.
 */
public final class DirectoryRoles {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryRoles.class);

    private DirectoryRoles() {
    }

    /** The group a role names ({@code ldapGroup}), as LDAP sign-ins use it. */
    public static Set<String> groupOf(Role r) {
        return r.ldapGroup() == null ? Set.of() : Set.of(r.ldapGroup());
    }

    /**
     * Makes {@code user}'s membership of every role with groups follow {@code groups}.
     *
     * @param groupsOfRole the groups that make someone a member of a role (empty: the role is not mapped)
     * @param origin       recorded with the memberships this adds ({@code ldap}, {@code oidc})
     */
    public static void follow(UserDirectory users, User user, Collection<String> groups, Function<Role, Set<String>> groupsOfRole,
                              String origin) {
        Set<String> held = groups.stream().map(g -> g.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (Role r : users.roles()) {
            Set<String> mapped = groupsOfRole.apply(r);
            if (mapped.isEmpty() || r.isAllUsers()) {
                continue;
            }
            if (mapped.stream().anyMatch(g -> held.contains(g.toLowerCase(Locale.ROOT)))) {
                users.addMember(r.id(), user.id(), origin);
            } else if (users.members(r.id()).stream().anyMatch(m -> m.id() == user.id())) {
                try {
                    users.removeMember(r.id(), user.id());
                } catch (IdentityException e) {
                    // The last administrator stays one: a directory change must not lock everyone out of the console.
                    LOG.warn("{} is no longer in a group of role {}, but stays a member: {}", user.name(), r.name(), e.getMessage());
                }
            }
        }
    }
}
