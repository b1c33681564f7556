package dev.usher.server.auth.ldap;

import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.usher.server.auth.DirectoryAccount;
import dev.usher.server.auth.PasswordDirectory.DirectoryUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One sync pass from the real in-memory directory into a hand-written user store. */
class DirectorySyncTest {

    private LdapTestServer ldap;
    private FakeUserStore store;
    private DirectorySync sync;

    @BeforeEach
    void start() throws Exception {
        ldap = LdapTestServer.start();
        store = new FakeUserStore();
        sync = new DirectorySync(new LdapDirectory(ldap.settings().build(), 2, null), store);
    }

    @AfterEach
    void stop() {
        ldap.close();
    }

    @Test
    void firstSyncCreatesEveryoneAndFillsRolesFromGroups() {
        DirectorySync.Result result = sync.run();

        assertThat(store.users.keySet()).containsExactlyInAnyOrder("alice", "bob", "carol", "dave", "erin");
        assertThat(store.users.get("alice")).isEqualTo(new DirectoryAccount("alice", "Alice Liddell",
                "alice@corp.example", List.of("cad-users", "engineers"), true));
        assertThat(store.users.get("carol").enabled()).isFalse();
        assertThat(store.roles).isEqualTo(Map.of("engineers", Set.of("alice", "bob"), "cad-users", Set.of("alice")));
        assertThat(store.disabledBecauseMissing).isEmpty();
        assertThat(result.summary()).isEqualTo("5 accounts from the directory (2 disabled there), 2 groups");
    }

    @Test
    void peopleWhoLeaveAreDisabledAndGroupsThatEmptyAreReported() throws Exception {
        sync.run();
        ldap.server.delete("uid=bob," + LdapTestServer.PEOPLE);
        ldap.server.modify("uid=alice," + LdapTestServer.PEOPLE,
                new Modification(ModificationType.DELETE, "memberOf", "cn=cad-users," + LdapTestServer.GROUPS));
        ldap.server.modify("uid=carol," + LdapTestServer.PEOPLE,
                new Modification(ModificationType.REPLACE, "userAccountControl", "512"));

        DirectorySync.Result result = sync.run();

        assertThat(store.disabledBecauseMissing).containsExactly("bob");
        assertThat(store.roles).as("cad-users has nobody now, so it is not a key").isEqualTo(Map.of("engineers", Set.of("alice")));
        assertThat(store.users.get("carol").enabled()).as("enabled again in the directory").isTrue();
        assertThat(result.noLongerInDirectory()).containsExactly("bob");
        assertThat(result.summary()).endsWith("; disabled 1 no longer in the directory: bob");
    }

    @Test
    void namesCompareCaseInsensitively() {
        store.knownFromDirectory.add("ALICE");

        sync.run();

        assertThat(store.disabledBecauseMissing).isEmpty();
    }

    @Test
    void anEmptyAnswerDoesNotDisableEveryone() {
        sync.run();
        int upserts = store.upserts;
        DirectorySync misconfigured = new DirectorySync(new LdapDirectory(ldap.settings()
                .userSearchBase("ou=empty," + LdapTestServer.BASE).build()), store);

        DirectorySync.Result result = misconfigured.run();

        assertThat(result.warning()).startsWith("the directory lists nobody, but 5 users came from it before");
        assertThat(store.disabledBecauseMissing).isEmpty();
        assertThat(store.upserts).isEqualTo(upserts);
        assertThat(store.roles).containsKeys("engineers", "cad-users");
    }

    @Test
    void anUnreachableDirectoryChangesNothing() {
        ldap.close();

        assertThatThrownBy(sync::run).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("connection refused");
        assertThat(store.upserts).isZero();
        assertThat(store.roles).isEmpty();
    }

    /** The user store as the sync sees it. */
    private static final class FakeUserStore implements SyncTarget {
        final Map<String, DirectoryAccount> users = new HashMap<>();
        final Set<String> knownFromDirectory = new LinkedHashSet<>();
        final Set<String> disabledBecauseMissing = new LinkedHashSet<>();
        Map<String, Set<String>> roles = new TreeMap<>();
        int upserts;

        @Override
        public Set<String> directoryUserNames() {
            return Set.copyOf(knownFromDirectory);
        }

        @Override
        public void upsertUser(DirectoryAccount account) {
            upserts++;
            users.put(account.name(), account);
            knownFromDirectory.add(account.name());
        }

        @Override
        public void disableMissing(Set<String> names) {
            assertThat(names).isNotEmpty();
            disabledBecauseMissing.addAll(names);
        }

        @Override
        public void setRoleMembersFromGroups(Map<String, Set<String>> membersByGroup) {
            roles = new TreeMap<>();
            membersByGroup.forEach((group, members) -> roles.put(group, Set.copyOf(members)));
        }
    }
}
