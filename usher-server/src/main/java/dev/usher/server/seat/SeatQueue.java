package dev.usher.server.seat;

import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.decision.WaitingLine;
import dev.usher.core.seat.PoolKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * People waiting for a seat of a full pool, first come first served. A waiter is served by trying
 * its own checkout again (so assignment rules decide for it exactly as for anyone else) whenever a
 * seat of its pool goes back, and once a second in case capacity grew (a license added, rules
 * changed, another node released a seat).
 *
 * <p>Fairness: while anyone waits for a pool, every other checkout of that pool first lets the
 * waiters try, in order, under the pool's lock; only then is it tried itself. A waiter that the
 * rules refuse (say its role is at its limit) does not block the ones behind it, but a waiter
 * refused because the pool is full does: nobody behind it could have a seat either.
 *
 * <p>Waiting is measured in real time (it is a network timeout), not on the injected clock.
 */
public final class SeatQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SeatQueue.class);
    public static final Duration MAX_WAIT = Duration.ofSeconds(300);

    /** A waiting request as administrators see it. */
    public record Entry(PoolKey pool, int position, String sessionId, String user, String host, Instant since,
                        Instant waitsUntil) {}

    /** The answer to a checkout that may have waited; {@code queuePosition} is where it stood when it gave up (0: never queued). */
    public record Answer(CheckoutOutcome outcome, int queuePosition) {}

    /** Who is asking, for the admin view. */
    public record Asker(String sessionId, String user, String host, Instant since) {}

    private static final class Waiter {
        final long ticket;
        final Asker asker;
        final Instant waitsUntil;
        final Function<Boolean, CheckoutOutcome> attempt;
        final CompletableFuture<CheckoutOutcome> result = new CompletableFuture<>();

        Waiter(long ticket, Asker asker, Instant waitsUntil, Function<Boolean, CheckoutOutcome> attempt) {
            this.ticket = ticket;
            this.asker = asker;
            this.waitsUntil = waitsUntil;
            this.attempt = attempt;
        }
    }

    private static final class Line {
        final ReentrantLock lock = new ReentrantLock(true);
        final TreeMap<Long, Waiter> waiters = new TreeMap<>();

        int positionOf(Waiter w) {
            return waiters.headMap(w.ticket, true).size();
        }
    }

    private final Map<PoolKey, Line> lines = new ConcurrentHashMap<>();
    private final AtomicLong tickets = new AtomicLong();
    private final ExecutorService dispatchers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-seat-queue").daemon(true).factory());

    public SeatQueue() {
        timer.scheduleWithFixedDelay(this::pokeAll, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Runs a checkout, waiting up to {@code wait} in this pool's line when it is refused for want of
     * a free seat.
     *
     * @param attempt      tries the checkout now; its argument says whether a refusal is to be recorded
     *                     (only the first try of a request that will not wait, and the last try of one that waited)
     * @param onDisconnect receives the action that takes this request out of the line (call it when the client goes away)
     */
    public Answer checkout(PoolKey pool, Asker asker, Duration wait, Function<Boolean, CheckoutOutcome> attempt,
                           Consumer<Runnable> onDisconnect) {
        boolean willWait = wait.isPositive();
        CheckoutOutcome first = withLineServedFirst(pool, () -> attempt.apply(!willWait));
        if (!willWait || !WaitingLine.worthWaiting(first)) {
            return new Answer(first, 0);
        }
        long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
        Line line = lines.computeIfAbsent(pool, k -> new Line());
        Waiter w;
        line.lock.lock();
        try {
            // A retry of the same session (a reconnect) takes over its own place rather than queueing twice.
            Waiter old = line.waiters.values().stream().filter(x -> x.asker.sessionId().equals(asker.sessionId()))
                    .findFirst().orElse(null);
            long ticket = old != null ? old.ticket : tickets.incrementAndGet();
            if (old != null) {
                line.waiters.remove(old.ticket);
                old.result.complete(first);
            }
            w = new Waiter(ticket, asker, Instant.now().plusNanos(deadline - System.nanoTime()), attempt);
            line.waiters.put(ticket, w);
            // A seat may have come back between the first try and joining the line.
            serve(line);
        } finally {
            line.lock.unlock();
        }
        onDisconnect.accept(() -> leave(line, w));
        try {
            return new Answer(w.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), 0);
        } catch (TimeoutException e) {
            return giveUp(line, w);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            leave(line, w);
            return new Answer(first, 0);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r && !(r instanceof LeftTheLine)) {
                throw r; // the try itself failed (say, the account was disabled meanwhile): the caller reports it
            }
            return new Answer(first, 0); // left the line: nobody reads this answer
        }
    }

    /** Takes the waiter out; a last try, recorded, decides the answer. */
    private Answer giveUp(Line line, Waiter w) {
        line.lock.lock();
        try {
            if (w.result.isDone()) {
                return new Answer(w.result.join(), 0);
            }
            int position = line.positionOf(w);
            line.waiters.remove(w.ticket);
            CheckoutOutcome last = w.attempt.apply(true);
            return new Answer(last, last instanceof CheckoutOutcome.Held ? 0 : position);
        } finally {
            line.lock.unlock();
        }
    }

    private void leave(Line line, Waiter w) {
        line.lock.lock();
        try {
            if (line.waiters.remove(w.ticket, w)) {
                w.result.completeExceptionally(new LeftTheLine("left the queue"));
            }
        } finally {
            line.lock.unlock();
        }
    }

    /** Runs {@code checkout} after the pool's waiters had their turn, if there are any. */
    private CheckoutOutcome withLineServedFirst(PoolKey pool, java.util.function.Supplier<CheckoutOutcome> checkout) {
        Line line = lines.get(pool);
        if (line == null || line.waiters.isEmpty()) {
            return checkout.get(); // the common case: no lock, nothing to wait for
        }
        line.lock.lock();
        try {
            serve(line);
            return checkout.get();
        } finally {
            line.lock.unlock();
        }
    }

    /** A seat of {@code pool} went back: let its waiters try now (never on the caller's thread). */
    public void seatFreed(PoolKey pool) {
        Line line = lines.get(pool);
        if (line != null && !line.waiters.isEmpty()) {
            dispatchers.execute(() -> serveLocked(line));
        }
    }

    private void pokeAll() {
        for (Line line : lines.values()) {
            if (!line.waiters.isEmpty()) {
                dispatchers.execute(() -> serveLocked(line));
            }
        }
    }

    private void serveLocked(Line line) {
        line.lock.lock();
        try {
            serve(line);
        } catch (RuntimeException e) {
            LOG.warn("serving the seat queue failed; will retry within a second", e);
        } finally {
            line.lock.unlock();
        }
    }

    /** With the line's lock held: waiters try in order; what each answer means for the line is {@link WaitingLine}'s. */
    private static void serve(Line line) {
        for (Iterator<Waiter> it = line.waiters.values().iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            CheckoutOutcome o;
            try {
                o = w.attempt.apply(false);
            } catch (RuntimeException e) {
                it.remove();
                w.result.completeExceptionally(e);
                continue;
            }
            switch (WaitingLine.after(o)) {
                case STOP -> {
                    return;
                }
                case SKIP -> {
                    // refused by a rule, not by a full pool: the next one may fit
                }
                case SERVED -> {
                    it.remove();
                    w.result.complete(o);
                }
            }
        }
    }


    /** Everyone waiting, pool by pool, in the order they will be served. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        lines.forEach((pool, line) -> {
            line.lock.lock();
            try {
                int pos = 0;
                for (Waiter w : line.waiters.values()) {
                    out.add(new Entry(pool, ++pos, w.asker.sessionId(), w.asker.user(), w.asker.host(), w.asker.since(), w.waitsUntil));
                }
            } finally {
                line.lock.unlock();
            }
        });
        out.sort(java.util.Comparator.comparing((Entry e) -> e.pool().product()).thenComparing(e -> e.pool().feature())
                .thenComparingInt(Entry::position));
        return out;
    }

    /** How many wait for {@code pool} now. */
    public int length(PoolKey pool) {
        Line line = lines.get(pool);
        return line == null ? 0 : line.waiters.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Line line : lines.values()) {
            line.lock.lock();
            try {
                line.waiters.values().forEach(w -> w.result.completeExceptionally(new LeftTheLine("server stopping")));
                line.waiters.clear();
            } finally {
                line.lock.unlock();
            }
        }
        dispatchers.shutdownNow();
    }

    /** Ends the wait of a request that left the line (its client went away, or the server stops). */
    private static final class LeftTheLine extends RuntimeException {
        LeftTheLine(String why) {
            super(why, null, false, false);
        }
    }
}
