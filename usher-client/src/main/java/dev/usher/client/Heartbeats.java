package dev.usher.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The background thread that keeps the session's seats: a heartbeat per interval the server asks for, a
 * random fraction early so that clients started together do not beat in step; quick retries with backoff
 * while no server answers; taking the seats again after a lapse; and the end of the grace period, after
 * which the seats count as lost. Started by the first checkout, so a client that never takes a seat has
 * no thread.
 */
final class Heartbeats {

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);

    private final Transport transport;
    private final Checkouts checkouts;
    private final Listeners listeners;
    private final String sessionId;
    private final double jitter;
    private final Duration grace;
    private final Clock clock;
    private final boolean retakeAfterAdministrator;

    private volatile boolean stopped;
    private Thread thread;

    Heartbeats(Transport transport, Checkouts checkouts, Listeners listeners, String sessionId, double jitter,
            Duration grace, Clock clock, boolean retakeAfterAdministrator) {
        this.transport = transport;
        this.checkouts = checkouts;
        this.listeners = listeners;
        this.sessionId = sessionId;
        this.jitter = jitter;
        this.grace = grace;
        this.clock = clock;
        this.retakeAfterAdministrator = retakeAfterAdministrator;
    }

    synchronized void start() {
        if (thread == null && !stopped) {
            Thread t = new Thread(this::loop, "usher-heartbeat-" + sessionId);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    void stop() {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** False once no server has answered for the whole grace period: then no seat is valid. */
    boolean withinGrace() {
        return !transport.unreachable() || clock.instant().isBefore(transport.lastContact().plus(grace));
    }

    private void loop() {
        int failures = 0;
        while (!stopped) {
            try {
                Thread.sleep(failures == 0 ? beatDelay() : backoff(failures));
            } catch (InterruptedException e) {
                return;
            }
            if (stopped) {
                return;
            }
            if (checkouts.isEmpty()) {
                failures = 0;
                continue;
            }
            failures = beat() ? 0 : failures + 1;
        }
    }

    /** One heartbeat; false when it should be retried soon (no server gave an answer). */
    private boolean beat() {
        Transport.Response r;
        try {
            r = transport.send("POST", "/api/v1/sessions/" + sessionId + "/heartbeat", "");
        } catch (UsherException e) {
            if (e.status() == 0 || e.status() >= 500) {
                checkGrace();
                return false;
            }
            checkouts.loseAll(SeatLoss.refused(e)); // e.g. signing in again was refused
            return true;
        }
        if (r.status() == 200) {
            checkouts.renewed(Json.object(r.body()));
            return true;
        }
        if (!Transport.definitive(r)) {
            checkGrace();
            return false;
        }
        if (r.status() == 410) {
            Map<String, Object> problem = Json.object(r.body());
            if (SeatLoss.byAdministrator(Json.string(problem, "endedBecause")) && !retakeAfterAdministrator) {
                checkouts.loseAll(SeatLoss.ended(problem));
                return true;
            }
            return retakeAll();
        }
        checkouts.loseAll(SeatLoss.refused(UsherException.fromProblem(r.status(), r.body())));
        return true;
    }

    /** After a lapse: the same session id takes its seats again (the server answers "renewed" or gives new ones). */
    private boolean retakeAll() {
        for (Seat s : checkouts.all()) {
            if (s.closed) {
                continue;
            }
            try {
                checkouts.retake(s);
                listeners.fire(l -> l.seatRestored(s));
            } catch (UsherException e) {
                if (e.status() == 0 || e.status() >= 500 && !(e instanceof ServerNotLicensed)) {
                    checkGrace();
                    return false;
                }
                checkouts.lose(s, SeatLoss.refused(e));
            }
        }
        return true;
    }

    private void checkGrace() {
        if (withinGrace()) {
            return;
        }
        checkouts.loseAll(new SeatLoss(SeatLoss.NO_SERVER_ANSWERED, "No license server has answered since " + transport.lastContact()
                + "; the grace period of " + grace.toMinutes() + " minute(s) is over. Check the network connection.", null));
    }

    private long beatDelay() {
        double f = 1 - jitter * ThreadLocalRandom.current().nextDouble();
        return Math.max(50, (long) (checkouts.heartbeatSeconds() * 1000 * f));
    }

    /** Exponential from 250 ms up to one heartbeat interval, with full jitter (so clients do not return in step). */
    private long backoff(int failures) {
        long max = Math.max(1000, checkouts.heartbeatSeconds() * 1000);
        long d = Math.min(max, MIN_BACKOFF.toMillis() << Math.min(failures - 1, 20));
        return (long) (d * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    }
}
