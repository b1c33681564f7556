package dev.usher.core.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Users, aliases, roles and credentials, durably. */
public interface UserDirectory {

    record NewUser(String name, String key, String displayName, String email, UserSource source, String passwordHash) {}

    /** Changes to a user; null fields stay as they are. */
    record UserChanges(String displayName, String email, Boolean enabled) {}

    /** A bearer token as stored (the token itself is never stored, only its hash). */
    record Token(String id, long userId, String kind, String name, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {}

    /** What a merge did: aliases and roles moved, sessions moved, seats joined or released. */
    record MergeResult(User into, int aliasesMoved, int rolesMoved, int sessionsMoved, int seatsMoved, int seatsReleased) {}

    List<User> list(String search, int offset, int limit);

    int count(String search);

    Optional<User> find(long id);

    /** The user an alias key (see {@link UserNames#key}) belongs to. */
    Optional<User> resolve(String key);

    /** Creates a user; {@link IdentityException.Kind#NAME_TAKEN} when the name is someone's alias. */
    User create(NewUser user, Instant now);

    User update(long id, UserChanges changes);

    /** Deletes a user who holds no seat and no session (disable instead to keep their history). */
    void delete(long id);

    Optional<String> passwordHash(long id);

    void setPasswordHash(long id, String hash);

    User addAlias(long id, String alias, String key, Instant now);

    User removeAlias(long id, String key);

    /** Moves everything of {@code fromId} to {@code intoId}, never leaving one person two seats of a pool. */
    MergeResult merge(long intoId, long fromId, Instant now);

    List<Role> roles();

    Optional<Role> role(long id);

    Role createRole(String name, String key, String ldapGroup, Instant now);

    Role updateRole(long id, String name, String key, String ldapGroup);

    void deleteRole(long id);

    void addMember(long roleId, long userId, String origin);

    void removeMember(long roleId, long userId);

    /** Replaces the members that came from the directory group of a role. */
    void setDirectoryMembers(long roleId, Set<Long> userIds);

    List<User> members(long roleId);

    boolean isAdministrator(long userId);

    void saveToken(Token token, String hash);

    Optional<Token> findToken(String hash);

    /** Records that the token was used at {@code at} (the tokens API reports it as lastUsedAt); its expiry stays as issued. */
    void touchToken(String id, Instant at);

    List<Token> tokens(long userId);

    boolean deleteToken(String id);

    /** Host keys seen in live sessions and seats (for the doctor). */
    Set<String> knownHosts();

    /** One entry of the administrators' log: what was done, by whom, from where, to whom or what, and the detail. */
    record AdminEvent(String type, String actor, String source, String target, String detail) {}

    /** The latest admin events, newest first. */
    List<AdminEvent> adminEvents(int limit);

    /** Records an admin action or a sign-in outcome. */
    void recordAdminEvent(Instant at, String type, String actor, String source, String target, String detail);
}
