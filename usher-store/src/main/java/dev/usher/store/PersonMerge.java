package dev.usher.store;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.UserDirectory.MergeResult;

import java.time.Instant;

import static dev.usher.store.UserRows.load;
import static dev.usher.store.UserRows.notFound;

/**
 * Merging a duplicate person into another: the seat store moves the seats and sessions first (through
 * {@link PeopleSeats#mergePeople}), then this moves the aliases, role memberships and tokens and deletes the
 * duplicate, in the same transaction.
 */
final class PersonMerge {

    private PersonMerge() {
    }

    static MergeResult merge(PeopleSeats seats, long intoId, long fromId, Instant now) {
        if (intoId == fromId) {
            throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "cannot merge a user into itself");
        }
        if (seats == null) {
            throw new IllegalStateException("merging people needs the seat store (seatsFollow)");
        }
        // The seats and sessions move first, decided by the seat decision (never two seats of a pool);
        // the rest of the duplicate moves in the same transaction.
        return seats.mergePeople(intoId, fromId, now, (moved, h) -> {
            load(h, intoId).orElseThrow(() -> notFound("user", intoId));
            load(h, fromId).orElseThrow(() -> notFound("user", fromId));
            int aliases = h.createUpdate("UPDATE user_aliases SET user_id = :into WHERE user_id = :from")
                    .bind("into", intoId).bind("from", fromId).execute();
            int roles = h.createUpdate("""
                            INSERT INTO role_members (role_id, user_id, origin)
                            SELECT role_id, :into, origin FROM role_members WHERE user_id = :from
                            ON CONFLICT (role_id, user_id) DO NOTHING""")
                    .bind("into", intoId).bind("from", fromId).execute();
            h.createUpdate("DELETE FROM role_members WHERE user_id = :from").bind("from", fromId).execute();
            h.createUpdate("UPDATE auth_tokens SET user_id = :into WHERE user_id = :from")
                    .bind("into", intoId).bind("from", fromId).execute();
            h.createUpdate("DELETE FROM users WHERE id = :from").bind("from", fromId).execute();
            return new MergeResult(load(h, intoId).orElseThrow(), aliases, roles, moved.sessionsMoved(), moved.seatsMoved(),
                    moved.seatsReleased());
        });
    }
}
