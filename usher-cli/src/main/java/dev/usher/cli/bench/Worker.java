package dev.usher.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One load thread with its own connection, histogram and counters (nothing shared while it runs,
 * so recording costs no contention). A request counts when it completes inside the measurement
 * window; errors count always, warm-up included: an error is an error.
 */
final class Worker implements AutoCloseable {

    static final int IO_ERROR = -1;
    private static final int MAX_SAMPLES = 3;

    final int id;
    private final HttpConnection connection;
    final Histogram latency = new Histogram();
    final long[] statuses = new long[600];
    long ioErrors;
    long requests;
    long operations;
    long errors;
    final List<String> errorSamples = new ArrayList<>(MAX_SAMPLES);

    private long windowStart;
    private long windowEnd;
    private long lastCompletion;

    Worker(int id, InetSocketAddress address, int timeoutMillis) {
        this.id = id;
        this.connection = new HttpConnection(address, timeoutMillis);
    }

    /**
     * Connects ahead of the phase: opening 64 connections at once overflows a listen backlog of 50
     * (the Java default) and costs a 1 s SYN retransmit, which belongs to no request.
     */
    void connect() {
        lastCompletion = System.nanoTime(); // idle from now (reopenIfIdleFor)
        try {
            connection.open();
        } catch (IOException e) {
            // the first request reports it
        }
    }

    /**
     * Opens a new connection if this one has been idle for {@code nanos} or longer: a server closes
     * idle connections (Jetty after 30 s), and a request sent on one it closed fails although the server is fine.
     * HTTP clients' pools evict idle connections the same way.
     */
    void reopenIfIdleFor(long nanos) {
        if (System.nanoTime() - lastCompletion >= nanos) {
            connection.close();
            connect();
        }
    }

    /** Sets the measurement window, in {@link System#nanoTime()} terms. */
    void window(long start, long end) {
        this.windowStart = start;
        this.windowEnd = end;
    }

    long windowEnd() {
        return windowEnd;
    }

    boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    /** Sends one request; returns its status, or {@link #IO_ERROR}. */
    int call(String method, String path, byte[] headers, byte[] body) {
        long t0 = System.nanoTime();
        int status;
        String failure = null;
        try {
            status = connection.send(method, path, headers, body);
        } catch (IOException e) {
            status = IO_ERROR;
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long t1 = System.nanoTime();
        lastCompletion = t1;
        if (inWindow(t1)) {
            latency.record(t1 - t0);
            requests++;
        }
        if (status == IO_ERROR) {
            ioErrors++;
            errors++;
            sample(method + " " + path + ": " + failure);
            pause();
        } else {
            statuses[Math.min(status, statuses.length - 1)]++;
            if (status < 200 || status > 299) {
                errors++;
                sample(method + " " + path + " -> " + status + " " + abbreviate(connection.bodyText()));
            }
        }
        return status;
    }

    /** Counts one completed operation (a request, or a whole checkout+checkin cycle) if it ended in the window. */
    void completed() {
        if (inWindow(lastCompletion)) {
            operations++;
        }
    }

    String lastBody() {
        return connection.bodyText();
    }

    long connects() {
        return connection.connects();
    }

    static boolean ok(int status) {
        return status >= 200 && status <= 299;
    }

    private void sample(String s) {
        if (errorSamples.size() < MAX_SAMPLES) {
            errorSamples.add(s);
        }
    }

    /** After a transport failure: do not spin on a server that is down. */
    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        connection.close();
    }
}
