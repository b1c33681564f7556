package dev.usher.store.seat;

import dev.usher.core.lease.ClockSteps;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.store.Database;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Runs seat operations: each is decided by the one decision in core ({@code SeatMachine}) against a
 * book, and its effects are written, in groups that share one transaction. Two kinds, by who owns
 * the state: {@link ResidentSeatEngine} (one process, the whole state in memory) and
 * {@link SharedSeatEngine} (several nodes, a partial book loaded for each group).
 */
interface SeatEngine extends AutoCloseable {

    /** Decides and stores one operation; answered once it is durable. */
    <O> O run(SeatOp<O> op);

    /**
     * Several operations, given to the writer at once so that they share groups; answers in order. Each is queued
     * from a thread of its own, so the writer finds them all waiting and groups them.
     */
    default <O> List<O> runAll(List<? extends SeatOp<O>> ops) {
        if (ops.size() <= 1) {
            return ops.stream().map(this::run).toList();
        }
        List<CompletableFuture<O>> answers = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SeatOp<O> op : ops) {
                answers.add(CompletableFuture.supplyAsync(() -> run(op), threads));
            }
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /**
     * One operation, alone in its transaction, followed in that transaction by {@code then} (a merge of
     * two people: the seats move here, the directory's rows in {@code then}).
     */
    <O, T> T runThen(SeatOp<O> op, java.util.function.BiFunction<O, org.jdbi.v3.core.Handle, T> then);

    SeatLedger.Explanation explain(long userId, PoolKey pool, Instant now);

    /** The assignment rules or someone's roles changed: what seats count against is counted again. */
    void rulesChanged();

    /**
     * The stored leases were moved after a step of the wall clock ({@link LeaseStore#shiftLeases}): a book that
     * keeps leases of its own moves them alike. Called on the store's writer thread once that move committed.
     */
    default void leasesShifted(ClockSteps.LeaseShift shift) {
        // a partial book is loaded from the moved rows for every group
    }

    /** Seats whose linger or loan ended at {@code now}: the ones to hand to {@link SeatOp.EndLinger} and {@link SeatOp.EndLoanDate}. */
    record Due(List<String> lingerEnded, List<String> loanEnded) {}

    Due due(Instant now, int max);

    Database database();

    @Override
    void close();
}
