package io.waldiez.runner.server.streaming;

import io.waldiez.runner.server.auth.AuthenticatedClient;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A WebSocket subscriber. A pump writes every frame queued so far into the session's output buffer
 * (batching: one socket write per buffer-full instead of one per frame) and flushes once the queue is
 * empty, all on one sender thread, so a burst costs a few writes and no thread hand-offs.
 *
 * <p>The writes are blocking, but a write only waits when the client's TCP buffers are full, and
 * then for at most {@code send-timeout}, after which the container closes the socket; meanwhile the
 * client's queue keeps its bounds and overflows to 4008 as before. A stalled client therefore holds
 * one sender thread for at most {@code send-timeout}.
 */
final class WsSubscriber extends Subscriber {

    private static final Logger log = LoggerFactory.getLogger(WsSubscriber.class);
    /** Tomcat: how long a blocking send (a write, a flush, the close frame) may wait for the socket. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final WebSocketSession session;
    private final RemoteEndpoint.Basic remote;
    private final Object sendLock = new Object();
    private boolean sending;
    /** A close requested while a pump was writing: done by that pump once it stops. */
    private CloseStatus pendingClose;

    WsSubscriber(TaskStreamHub hub, WebSocketSession session, String taskId, AuthenticatedClient caller, String after) {
        super(hub, taskId, caller, Transport.WS, after);
        this.session = session;
        Session nativeSession = ((NativeWebSocketSession) session).getNativeSession(Session.class);
        nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, hub.props().sendTimeout().toMillis());
        this.remote = nativeSession.getBasicRemote();
        try {
            remote.setBatchingAllowed(true); // nothing to flush yet: never blocks here
        } catch (IOException e) {
            throw new IllegalStateException("cannot enable batching on a new WebSocket", e);
        }
    }

    @Override
    protected void pumpOnce() {
        synchronized (sendLock) {
            if (pendingClose != null) {
                return;
            }
            sending = true;
        }
        boolean finished = false;
        try {
            boolean unflushed = false;
            for (Frame f = next(); f != null; f = next()) {
                if (f.kind() == Frame.Kind.HEARTBEAT) {
                    continue; // WebSocket clients get TCP-level liveness from the container; nothing to send
                }
                remote.sendText(f.json()); // into the output buffer; written to the socket when it is full
                unflushed = true;
                hub.sent(transport);
            }
            if (unflushed) {
                remote.flushBatch();
            }
            finished = drainedForClose();
        } catch (IOException | RuntimeException e) {
            // The send timeout of a stalled client, or the socket is gone (the container has closed it).
            boolean timeout = causedByTimeout(e);
            log.debug("WebSocket send failed: {}", e.toString());
            close(CLOSE_TOO_SLOW, TOO_SLOW, timeout);
        } finally {
            CloseStatus deferred;
            synchronized (sendLock) {
                sending = false;
                deferred = pendingClose;
            }
            if (deferred != null) {
                closeNow(deferred);
            }
        }
        if (finished) {
            close(CloseStatus.NORMAL.getCode(), "task finished", false);
        }
    }

    private static boolean causedByTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void closeTransport(int code, String reason) {
        CloseStatus status = new CloseStatus(code, reason);
        synchronized (sendLock) {
            pendingClose = status;
            if (sending) {
                return; // the pump closes right after its current write: closing now would wait on it
            }
        }
        closeNow(status);
    }

    private void closeNow(CloseStatus status) {
        try {
            if (session.isOpen()) {
                session.close(status);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Closing a WebSocket: {}", e.toString());
        }
    }
}
