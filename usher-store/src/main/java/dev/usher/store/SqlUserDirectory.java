package dev.usher.store;

import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.seat.PoolKey;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Users, aliases, roles and tokens in portable SQL. Each group of methods is done by its own part ({@link UserRows},
 * {@link AliasRows}, {@link RoleRows}, {@link PersonMerge}, {@link TokenRows}, {@link AdminEvents},
 * {@link SeatHolders}); this class holds the link to the seats people hold and tells them when members change.
 */
public final class SqlUserDirectory implements UserDirectory {

    private final UserRows users;
    private final AliasRows aliases;
    private final RoleRows roles;
    private final TokenRows tokens;
    private final AdminEvents adminEvents;
    private final SeatHolders holders;
    private volatile PeopleSeats seats;

    public SqlUserDirectory(Database db) {
        this.users = new UserRows(db);
        this.aliases = new AliasRows(db);
        this.roles = new RoleRows(db);
        this.tokens = new TokenRows(db);
        this.adminEvents = new AdminEvents(db);
        this.holders = new SeatHolders(db);
    }

    /**
     * The seats that follow people: a merge moves the duplicate's seats with the seat decision, and a
     * change of role members makes the seats count again against the pools' limit rules. Set once by the
     * composition root (the seat store is made after the people it is about).
     */
    public void seatsFollow(PeopleSeats seats) {
        this.seats = seats;
    }

    private void membersChanged() {
        var s = seats;
        if (s != null) {
            s.rulesChanged();
        }
    }

    // ---- users -------------------------------------------------------------------------------

    @Override
    public List<User> list(String search, int offset, int limit) {
        return users.list(search, offset, limit);
    }

    @Override
    public int count(String search) {
        return users.count(search);
    }

    @Override
    public Optional<User> find(long id) {
        return users.find(id);
    }

    @Override
    public User create(NewUser u, Instant now) {
        return users.create(u, now);
    }

    @Override
    public User update(long id, UserChanges c) {
        return users.update(id, c);
    }

    @Override
    public void delete(long id) {
        users.delete(id);
    }

    @Override
    public Optional<String> passwordHash(long id) {
        return users.passwordHash(id);
    }

    @Override
    public void setPasswordHash(long id, String hash) {
        users.setPasswordHash(id, hash);
    }

    // ---- aliases -----------------------------------------------------------------------------

    @Override
    public Optional<User> resolve(String key) {
        return aliases.resolve(key);
    }

    @Override
    public User addAlias(long id, String alias, String key, Instant now) {
        return aliases.addAlias(id, alias, key, now);
    }

    @Override
    public User removeAlias(long id, String key) {
        return aliases.removeAlias(id, key);
    }

    // ---- merge -------------------------------------------------------------------------------

    @Override
    public MergeResult merge(long intoId, long fromId, Instant now) {
        MergeResult merged = PersonMerge.merge(seats, intoId, fromId, now);
        membersChanged();
        return merged;
    }

    // ---- roles -------------------------------------------------------------------------------

    @Override
    public List<Role> roles() {
        return roles.roles();
    }

    @Override
    public Optional<Role> role(long id) {
        return roles.role(id);
    }

    @Override
    public Role createRole(String name, String key, String ldapGroup, Instant now) {
        return roles.createRole(name, key, ldapGroup, now);
    }

    @Override
    public Role updateRole(long id, String name, String key, String ldapGroup) {
        return roles.updateRole(id, name, key, ldapGroup);
    }

    @Override
    public void deleteRole(long id) {
        roles.deleteRole(id);
        membersChanged();
    }

    @Override
    public void addMember(long roleId, long userId, String origin) {
        roles.addMember(roleId, userId, origin);
        membersChanged();
    }

    @Override
    public void removeMember(long roleId, long userId) {
        roles.removeMember(roleId, userId);
        membersChanged();
    }

    @Override
    public void setDirectoryMembers(long roleId, Set<Long> userIds) {
        roles.setDirectoryMembers(roleId, userIds);
        membersChanged();
    }

    @Override
    public List<User> members(long roleId) {
        return roles.members(roleId);
    }

    @Override
    public boolean isAdministrator(long userId) {
        return roles.isAdministrator(userId);
    }

    // ---- tokens ------------------------------------------------------------------------------

    @Override
    public void saveToken(Token t, String hash) {
        tokens.saveToken(t, hash);
    }

    @Override
    public Optional<Token> findToken(String hash) {
        return tokens.findToken(hash);
    }

    @Override
    public void touchToken(String id, Instant at) {
        tokens.touchToken(id, at);
    }

    @Override
    public List<Token> tokens(long userId) {
        return tokens.tokens(userId);
    }

    @Override
    public boolean deleteToken(String id) {
        return tokens.deleteToken(id);
    }

    // ---- admin events and held seats ---------------------------------------------------------

    @Override
    public List<AdminEvent> adminEvents(int limit) {
        return adminEvents.adminEvents(limit);
    }

    @Override
    public void recordAdminEvent(Instant at, String type, String actor, String source, String target, String detail) {
        adminEvents.recordAdminEvent(at, type, actor, source, target, detail);
    }

    @Override
    public Set<String> knownHosts() {
        return holders.knownHosts();
    }

    /** Used by tests and the doctor: seats per user and pool. */
    public Map<PoolKey, Map<String, Integer>> seatsPerUser() {
        return holders.seatsPerUser();
    }
}
