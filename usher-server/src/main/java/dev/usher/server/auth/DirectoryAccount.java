package dev.usher.server.auth;

import java.util.List;

/**
 * A person as an external directory (LDAP / Active Directory) describes them.
 *
 * @param name    the login name (e.g. sAMAccountName or uid), the canonical user name in Usher
 * @param groups  the names (CN) of the directory groups the person belongs to
 * @param enabled false when the directory marks the account disabled (AD userAccountControl bit 2)
 */
public record DirectoryAccount(String name, String displayName, String email, List<String> groups, boolean enabled) {}
