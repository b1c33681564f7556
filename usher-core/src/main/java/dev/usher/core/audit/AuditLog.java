package dev.usher.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The audit trail as one hash chain: admin actions and seat events, recorded where they happen, are
 * chained into it later in batches ({@link #append}); it is read by filter, newest first or in
 * sequence, and checked link by link ({@link #verify}).
 */
public interface AuditLog {

    /**
     * Filters of a query; null means any. Times are {@code from <= at < to}. {@code kind} is
     * {@code admin} (administrators' actions) or {@code seat} (seat events).
     */
    record Filter(Instant from, Instant to, String actor, String user, String product, String feature, String type,
                  String kind) {
        public static final Filter ALL = new Filter(null, null, null, null, null, null, null, null);
    }

    /** The last record written: its number and hash (0 and {@link AuditEntry#GENESIS} when empty). */
    record Head(long seq, String hash) {}

    /** Chains up to {@code limit} recorded events that are not in the trail yet; returns how many. */
    int append(int limit);

    Head head();

    /** Events not yet chained (what the recorder still has to do). */
    long backlog();

    /** Records matching {@code f}, in sequence order, at most {@code limit}, handed to {@code sink} one by one. */
    void forEach(Filter f, long limit, Consumer<AuditEntry> sink);

    /** One page of records matching {@code f}, newest first, older than {@code beforeSeq}. */
    List<AuditEntry> newestFirst(Filter f, long beforeSeq, int n);

    /** Walks the trail up to the head and reports the first broken link, if any. */
    ChainCheck.Result verify();
}
