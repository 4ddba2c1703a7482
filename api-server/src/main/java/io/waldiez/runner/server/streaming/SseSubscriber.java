package io.waldiez.runner.server.streaming;

import io.waldiez.runner.server.auth.AuthenticatedClient;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A server-sent-events subscriber on a connection taken over from the HTTP container.
 *
 * <p>An open SSE response would otherwise hold Tomcat's whole HTTP request processor (request,
 * response and header buffers: ~90 KB) for as long as the stream lasts. Instead the controller
 * commits {@code 200 text/event-stream} with {@code Connection: close} (the body is everything until
 * the connection closes: no chunking) and then upgrades the connection, the way Tomcat's own
 * WebSocket does: Tomcat releases its processor and hands the socket to {@link Connection}, which
 * keeps only the socket and its (small, configured) buffers. Writes are non-blocking: only while the
 * socket can take more, resumed when Tomcat reports it writable, so a stalled client fills its own
 * queue (and is closed) without holding a thread. Reads only notice that the client has gone.
 *
 * <p>This uses Tomcat's internal upgrade interface, as its WebSocket does: the Servlet one cannot
 * close a connection from outside a container callback, which a stream ending with its task needs.
 */
final class SseSubscriber extends Subscriber {

    private static final Logger log = LoggerFactory.getLogger(SseSubscriber.class);
    /** Where what a client sends is read into and dropped; shared, its contents never matter. */
    private static final byte[] DISCARDED = new byte[256];

    /** Null until the container hands the connection over. */
    private volatile SocketWrapperBase<?> socket;
    private volatile boolean completed;

    SseSubscriber(TaskStreamHub hub, String taskId, AuthenticatedClient caller, String after) {
        super(hub, taskId, caller, Transport.SSE, after);
    }

    /**
     * Tomcat's side of the taken-over connection: created by the container, given its subscriber by
     * the controller, started by the container once the response headers are out.
     */
    public static final class Connection implements InternalHttpUpgradeHandler {

        private volatile SseSubscriber subscriber;
        private volatile SocketWrapperBase<?> socket;

        void serve(SseSubscriber sub) {
            this.subscriber = sub;
        }

        @Override
        public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
            this.socket = wrapper;
        }

        @Override
        public void init(WebConnection connection) {
            SseSubscriber sub = subscriber;
            SocketWrapperBase<?> s = socket;
            if (sub == null || s == null) {
                if (s != null) {
                    s.close();
                }
                return;
            }
            sub.attach(s);
            s.registerReadInterest();
        }

        @Override
        public SocketState upgradeDispatch(SocketEvent status) {
            SseSubscriber sub = subscriber;
            SocketWrapperBase<?> s = socket;
            if (sub == null || s == null) {
                return SocketState.CLOSED;
            }
            switch (status) {
                case OPEN_READ -> {
                    return sub.discardInput(s);
                }
                case OPEN_WRITE -> {
                    sub.schedulePump();
                    return SocketState.UPGRADED;
                }
                default -> { // STOP, DISCONNECT, ERROR, TIMEOUT, CONNECT_FAIL
                    sub.ended();
                    return SocketState.CLOSED;
                }
            }
        }

        @Override
        public void destroy() {
            SseSubscriber sub = subscriber;
            if (sub != null) {
                sub.ended();
            }
        }

        @Override
        public void timeoutAsync(long now) {
            // no timeouts: the stream ends with its task, or when the client goes away
        }

        @Override
        public void setSslSupport(SSLSupport sslSupport) {
            // TLS is the socket's business
        }

        @Override
        public void pause() {
            // nothing to pause: writes are driven by the hub
        }
    }

    private void attach(SocketWrapperBase<?> s) {
        socket = s;
        if (isClosed()) {
            finish(); // closed before the container handed the connection over
        } else {
            schedulePump();
        }
    }

    /** A client has nothing to say on an event stream: read and drop, until it closes. */
    private SocketState discardInput(SocketWrapperBase<?> s) {
        try {
            for (;;) {
                int n = s.read(false, DISCARDED, 0, DISCARDED.length);
                if (n < 0) {
                    finish();
                    return SocketState.CLOSED;
                }
                if (n == 0) {
                    s.registerReadInterest();
                    return SocketState.UPGRADED;
                }
            }
        } catch (IOException e) {
            finish();
            return SocketState.CLOSED;
        }
    }

    @Override
    protected void pumpOnce() {
        SocketWrapperBase<?> s = socket;
        if (completed || s == null) {
            return; // not handed over yet: attach() starts the pump
        }
        try {
            // One frame at a time, each flushed; when the socket cannot take all of one, Tomcat's
            // OPEN_WRITE dispatch resumes the pump once it drains.
            while (!s.flush(false)) {
                Frame f = next();
                if (f == null) {
                    if (drainedForClose()) {
                        close(1000, "task finished", false);
                    }
                    return;
                }
                byte[] bytes = f.sse();
                s.write(false, bytes, 0, bytes.length);
                if (f.kind() != Frame.Kind.HEARTBEAT) {
                    hub.sent(transport);
                }
            }
            s.registerWriteInterest();
        } catch (IOException | IllegalStateException e) {
            try (var ignored = MDC.putCloseable("task_id", taskId)) {
                log.debug("SSE stream ended by a failed write (client gone): {}", e.toString());
            }
            finish();
        }
    }

    @Override
    protected void closeTransport(int code, String reason) {
        finish();
    }

    /** The container closed the connection. */
    private void ended() {
        completed = true;
        transportClosed();
    }

    private void finish() {
        transportClosed();
        SocketWrapperBase<?> s = socket;
        if (s != null && !completed) {
            completed = true;
            try {
                s.flush(false); // what is still buffered, if the socket takes it now
            } catch (IOException | RuntimeException e) {
                log.debug("Flushing an SSE connection: {}", e.toString());
            }
            s.close();
        }
    }
}
