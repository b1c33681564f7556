package dev.usher.server.auth.ldap;

import dev.usher.server.auth.DirectoryAccount;

import java.util.Map;
import java.util.Set;

/**
 * Where {@link DirectorySync} writes what it read from the directory: the user and role store.
 * Names compare case-insensitively, as the directory compares them.
 */
public interface SyncTarget {

    /** The names of every user that came from the directory (source {@code ldap}), enabled or not. */
    Set<String> directoryUserNames();

    /**
     * Creates the user {@code account.name()} with source {@code ldap}, or updates display name, e-mail and the
     * enabled flag ({@code account.enabled()}: false when the directory disables the account, true when it
     * enables it again) of the existing one.
     */
    void upsertUser(DirectoryAccount account);

    /**
     * Disables these users: they came from the directory and are no longer in it. Called only with a non-empty
     * set, whose names are spelled as {@link #directoryUserNames()} returned them.
     */
    void disableMissing(Set<String> names);

    /**
     * The complete group membership as the directory has it: group CN → names of its members. A group that is
     * not a key has no members now, so a role fed by that group must end up empty. Keys compare
     * case-insensitively.
     */
    void setRoleMembersFromGroups(Map<String, Set<String>> membersByGroup);
}
