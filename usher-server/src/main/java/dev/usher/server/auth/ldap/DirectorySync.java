package dev.usher.server.auth.ldap;

import dev.usher.server.auth.DirectoryAccount;
import dev.usher.server.auth.PasswordDirectory;
import dev.usher.server.auth.PasswordDirectory.DirectoryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One pass of copying people and group memberships from a directory into Usher's users and roles.
 *
 * <p>The directory is read completely before anything is written, so an unreachable directory changes
 * nothing. When the directory answers with nobody at all while Usher knows directory users, the pass writes
 * nothing either: an emptied search base or a mistyped filter must not disable everyone.
 */
public final class DirectorySync {

    private static final Logger log = LoggerFactory.getLogger(DirectorySync.class);

    /* One lock for the JVM: callers make a new DirectorySync per pass, and one directory is synced per server. */
    private static final Object ONE_PASS_AT_A_TIME = new Object();

    private final PasswordDirectory directory;
    private final SyncTarget target;

    public DirectorySync(PasswordDirectory directory, SyncTarget target) {
        this.directory = directory;
        this.target = target;
    }

    /**
     * Runs one sync; passes do not overlap, even from different instances (a scheduled one and an admin's
     * "sync now" take turns).
     *
     * @throws DirectoryUnavailableException when the directory cannot be read; nothing was written then
     */
    public Result run() {
        synchronized (ONE_PASS_AT_A_TIME) {
            return runAlone();
        }
    }

    private Result runAlone() {
        List<DirectoryAccount> accounts = directory.accounts();
        Set<String> known = target.directoryUserNames();
        if (accounts.isEmpty() && !known.isEmpty()) {
            String warning = "the directory lists nobody, but " + known.size() + " users came from it before; "
                    + "nothing was changed (check ldap.userSearchBase and ldap.userFilter)";
            log.warn("LDAP sync skipped: {}", warning);
            return new Result(0, 0, Set.of(), 0, warning);
        }

        Set<String> present = new HashSet<>();
        Map<String, Set<String>> membersByGroup = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int disabledThere = 0;
        for (DirectoryAccount account : accounts) {
            target.upsertUser(account);
            present.add(key(account.name()));
            if (!account.enabled()) {
                disabledThere++;
            }
            for (String group : account.groups()) {
                membersByGroup.computeIfAbsent(group, g -> new TreeSet<>(String.CASE_INSENSITIVE_ORDER))
                        .add(account.name());
            }
        }

        Set<String> missing = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : known) {
            if (!present.contains(key(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            target.disableMissing(Collections.unmodifiableSet(missing));
        }

        Map<String, Set<String>> frozen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        membersByGroup.forEach((group, members) -> frozen.put(group, Collections.unmodifiableSet(members)));
        target.setRoleMembersFromGroups(Collections.unmodifiableMap(frozen));

        Result result = new Result(accounts.size(), disabledThere, Collections.unmodifiableSet(missing),
                frozen.size(), null);
        log.info("LDAP sync: {}", result.summary());
        return result;
    }

    /**
     * What one pass did.
     *
     * @param accounts            people the directory lists
     * @param disabledInDirectory of those, how many the directory marks disabled
     * @param noLongerInDirectory users that came from the directory, are gone from it, and were disabled
     * @param groups              groups with at least one member
     * @param warning             why nothing was written, or null when the pass ran
     */
    public record Result(int accounts, int disabledInDirectory, Set<String> noLongerInDirectory, int groups,
                         String warning) {

        public String summary() {
            if (warning != null) {
                return "nothing synced: " + warning;
            }
            String s = accounts + (accounts == 1 ? " account" : " accounts") + " from the directory ("
                    + disabledInDirectory + " disabled there), " + groups + (groups == 1 ? " group" : " groups");
            if (!noLongerInDirectory.isEmpty()) {
                s += "; disabled " + noLongerInDirectory.size() + " no longer in the directory: "
                        + String.join(", ", noLongerInDirectory);
            }
            return s;
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
