package dev.usher.server.http;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Notices that the client of a long request (a checkout waiting in line) went away, so that it
 * leaves the line instead of being granted a seat nobody will use.
 *
 * <p>Why this pokes at the connection: Jetty 12 does not read from an HTTP/1.1 connection while a
 * request is being handled, so a closed socket goes unnoticed until the response is written. Once
 * the request body has been read, the only thing a client can send before its answer is the end of
 * the stream (it hung up) or a pipelined next request. So while waiting we ask to be told when the
 * socket becomes readable and read one byte: end of stream means gone; a byte means a pipelined
 * request, which we cannot give back, so that connection is closed after the answer (HTTP lets a
 * server do that; the client sends the unanswered request again). The interest is withdrawn before
 * the answer is written, so Jetty finds the connection as it left it. Plain sockets only: behind
 * TLS a waiter that hung up stays until its wait ends.
 */
final class ClientDisconnect implements AutoCloseable {

    private static final int IDLE = 0;
    private static final int WATCHING = 1;
    private static final int DONE = 2;

    private final EndPoint endPoint;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile Runnable onGone = () -> {};
    private volatile boolean readAhead;

    private ClientDisconnect(EndPoint endPoint) {
        this.endPoint = endPoint;
    }

    static ClientDisconnect watch(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        EndPoint ep = request == null ? null : request.getConnectionMetaData().getConnection().getEndPoint();
        return new ClientDisconnect(ep instanceof SocketChannelEndPoint ? ep : null);
    }

    /** Starts watching; {@code action} runs (once) if the client hangs up before {@link #close()}. */
    void onDisconnect(Runnable action) {
        onGone = action;
        if (endPoint != null && state.compareAndSet(IDLE, WATCHING)) {
            register();
        }
    }

    private void register() {
        if (!endPoint.tryFillInterested(new Callback() {
            @Override
            public void succeeded() {
                readable();
            }

            @Override
            public void failed(Throwable x) {
                if (!(x instanceof CancellationException) && state.compareAndSet(WATCHING, DONE)) {
                    onGone.run();
                }
            }

            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        })) {
            state.set(DONE); // someone else reads this connection: do not interfere
        }
    }

    private void readable() {
        if (state.get() != WATCHING) {
            return;
        }
        ByteBuffer one = BufferUtil.allocate(1);
        int n;
        try {
            n = endPoint.fill(one);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            if (state.compareAndSet(WATCHING, DONE)) {
                onGone.run();
            }
        } else if (n > 0) {
            readAhead = true;
            state.compareAndSet(WATCHING, DONE);
        } else {
            register(); // woken for nothing: keep watching
        }
    }

    /** True when a pipelined byte was read: the connection must close after the answer. */
    boolean readAhead() {
        return readAhead;
    }

    /** Stops watching, before the answer is written. */
    @Override
    public void close() {
        if (state.compareAndSet(WATCHING, DONE) && endPoint instanceof AbstractEndPoint a) {
            a.getFillInterest().onFail(new CancellationException("answer ready"));
        }
    }
}
