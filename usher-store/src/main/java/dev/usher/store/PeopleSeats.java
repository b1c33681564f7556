package dev.usher.store;

import dev.usher.core.seat.decision.Merges;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.function.BiFunction;

/**
 * What the people directory needs of the seats people hold: a merge moves the duplicate's seats and sessions
 * with the seat decision, in the transaction that moves the rest; a change of role members makes the pools'
 * limit rules count again. The seat store provides it; the directory only knows this, so the two packages do not
 * depend on each other both ways.
 */
public interface PeopleSeats {

    /** Moves the seats and sessions of {@code fromId} to {@code intoId}, then runs {@code directory} in the same transaction. */
    <T> T mergePeople(long intoId, long fromId, Instant now, BiFunction<Merges.Result, Handle, T> directory);

    /** Role members changed: rules that name roles count again. */
    void rulesChanged();
}
