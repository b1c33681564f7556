package dev.usher.server.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserNames;
import dev.usher.core.identity.UserSource;
import dev.usher.server.auth.DirectoryRoles;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The person an ID token names, as a user of Usher: found by name through the aliases like every
 * other name (so {@code alice@corp.example} from the provider is the {@code alice} LDAP already
 * brought in), created as an {@code oidc} user the first time, and their roles mapped to groups
 * following the token's groups claim, as LDAP groups do at an LDAP sign-in.
 */
final class ProviderAccounts {

    private final UserDirectory users;
    private final UserNames names;
    private final Clock clock;

    ProviderAccounts(UserDirectory users, UserNames names, Clock clock) {
        this.users = users;
        this.names = names;
        this.clock = clock;
    }

    /** The user the claims name, created or brought up to date, with their group-mapped roles. */
    User upsert(JWTClaimsSet claims, OidcSettings s) {
        String name = text(claims, s.usernameClaim());
        if (name == null) {
            throw OidcFailure.misconfigured("the identity provider's ID token has no " + s.usernameClaim()
                    + " claim to take the user name from; set oidc.usernameClaim to a claim it sends (e.g. email)");
        }
        String key;
        try {
            key = names.key(name);
        } catch (UserNames.InvalidNameException e) {
            throw OidcFailure.rejected("the identity provider's user name '" + name + "' cannot be a user name in Usher: " + e.getMessage());
        }
        String displayName = text(claims, "name");
        String email = text(claims, "email");
        User user = users.resolve(key).orElse(null);
        if (user != null && user.source() == UserSource.LOCAL) {
            // A local account's password is Usher's own: a provider's person of the same name (think "admin") must not take it over.
            throw OidcFailure.notAllowed(user.name() + " is a local account of Usher: sign in with its Usher password");
        }
        if (user != null && !user.enabled()) {
            throw OidcFailure.notAllowed(user.name() + " is disabled in Usher; an administrator can enable it again");
        }
        if (user == null) {
            user = users.create(new UserDirectory.NewUser(names.display(name), key, displayName == null ? name : displayName, email,
                    UserSource.OIDC, null), clock.instant());
        } else if (displayName != null || email != null) {
            user = users.update(user.id(), new UserDirectory.UserChanges(displayName, email, null));
        }
        DirectoryRoles.follow(users, user, groups(claims, s.groupsClaim()), r -> groupsOf(r, s), "oidc");
        return user;
    }

    /** The groups that make someone a member of a role: its directory group, and for Administrators the admin group. */
    private static Set<String> groupsOf(Role r, OidcSettings s) {
        Set<String> groups = new HashSet<>(DirectoryRoles.groupOf(r));
        if (Role.ADMINISTRATORS.equals(r.builtIn()) && s.adminGroup() != null) {
            groups.add(s.adminGroup());
        }
        return groups;
    }

    /** A claim of strings (or one string) as a list; absent: none. */
    private static List<String> groups(JWTClaimsSet claims, String claim) {
        Object value = claims.getClaim(claim);
        List<String> out = new ArrayList<>();
        if (value instanceof String one) {
            out.add(one);
        } else if (value instanceof List<?> many) {
            for (Object g : many) {
                if (g instanceof String str) {
                    out.add(str);
                }
            }
        }
        return out;
    }

    private static String text(JWTClaimsSet claims, String claim) {
        Object v = claims.getClaim(claim);
        return v instanceof String s && !s.isBlank() ? s.strip() : null;
    }
}
