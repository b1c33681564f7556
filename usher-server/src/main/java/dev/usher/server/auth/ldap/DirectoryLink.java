package dev.usher.server.auth.ldap;

import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserNames;
import dev.usher.core.identity.UserSource;
import dev.usher.core.store.SettingsRepository;
import dev.usher.server.auth.PasswordDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The connection to the site's LDAP / Active Directory, as the administrator configured it
 * (settings key {@code ldap}): sign-ins bind there, and an optional periodic sync brings users,
 * disabled accounts and group memberships (roles with an {@code ldapGroup}) into Usher.
 */
public final class DirectoryLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLink.class);

    private final SettingsRepository settings;
    private final UserDirectory users;
    private final UserNames names;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-ldap-sync").daemon(true).factory());
    private volatile Instant lastSync = Instant.EPOCH;

    public DirectoryLink(SettingsRepository settings, UserDirectory users, UserNames names, Clock clock) {
        this.settings = settings;
        this.users = users;
        this.names = names;
        this.clock = clock;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::syncIfDue, 1, 1, TimeUnit.MINUTES);
    }

    public Optional<LdapSettings> settings() {
        return settings.get(LdapSettings.SETTINGS_KEY).filter(s -> !s.isBlank()).map(LdapSettings::fromJson);
    }

    public Optional<PasswordDirectory> directory() {
        return settings().map(LdapDirectory::new);
    }

    /** Validates and stores; a missing bind password keeps the stored one. */
    public LdapSettings save(LdapSettings requested) {
        LdapSettings merged = requested.keepingPasswordOf(settings().orElse(null));
        var problems = merged.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        settings.put(LdapSettings.SETTINGS_KEY, merged.toJson());
        return merged;
    }

    public void remove() {
        settings.put(LdapSettings.SETTINGS_KEY, "");
    }

    /** Runs one sync now; the summary says what it did. */
    public String sync() {
        PasswordDirectory dir = directory().orElseThrow(() -> new IllegalArgumentException("no LDAP directory is configured"));
        lastSync = clock.instant();
        return new DirectorySync(dir, new StoreTarget()).run().summary();
    }

    private void syncIfDue() {
        try {
            Optional<LdapSettings> s = settings();
            if (s.isPresent() && s.get().syncMinutes() > 0
                    && !clock.instant().isBefore(lastSync.plus(Duration.ofMinutes(s.get().syncMinutes())))) {
                LOG.info("LDAP sync: {}", sync());
            }
        } catch (RuntimeException e) {
            LOG.warn("LDAP sync failed; will retry: {}", e.getMessage());
        }
    }

    /** Writes what the directory says into Usher's users and roles. */
    private final class StoreTarget implements SyncTarget {

        @Override
        public Set<String> directoryUserNames() {
            return users.list(null, 0, Integer.MAX_VALUE).stream().filter(u -> u.source() == UserSource.LDAP)
                    .map(User::name).collect(Collectors.toSet());
        }

        @Override
        public void upsertUser(dev.usher.server.auth.DirectoryAccount account) {
            String key = names.key(account.name());
            User u = users.resolve(key).orElseGet(() -> users.create(new UserDirectory.NewUser(names.display(account.name()), key,
                    account.displayName(), account.email(), UserSource.LDAP, null), clock.instant()));
            users.update(u.id(), new UserDirectory.UserChanges(account.displayName(), account.email(), account.enabled()));
        }

        @Override
        public void disableMissing(Set<String> gone) {
            for (String name : gone) {
                users.resolve(names.key(name)).ifPresent(u -> users.update(u.id(), new UserDirectory.UserChanges(null, null, false)));
            }
        }

        @Override
        public void setRoleMembersFromGroups(Map<String, Set<String>> membersByGroup) {
            Map<String, Set<String>> byGroup = membersByGroup.entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> a));
            for (Role r : users.roles()) {
                if (r.ldapGroup() == null || r.isAllUsers()) {
                    continue;
                }
                Set<Long> ids = new HashSet<>();
                for (String member : byGroup.getOrDefault(r.ldapGroup().toLowerCase(Locale.ROOT), Set.of())) {
                    users.resolve(names.key(member)).ifPresent(u -> ids.add(u.id()));
                }
                users.setDirectoryMembers(r.id(), ids);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
