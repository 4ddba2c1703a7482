package io.waldiez.runner.server.streaming;

import io.waldiez.runner.server.auth.AuthenticatedClient;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A WebSocket subscriber. Sends go through the container's asynchronous API one at a time, so no
 * thread ever waits on a slow socket; a send that does not complete within the container's async
 * send timeout counts as a too-slow client.
 */
final class WsSubscriber extends Subscriber {

    private static final Logger log = LoggerFactory.getLogger(WsSubscriber.class);
    /** Tomcat: how long a close (or any blocking send) waits for an in-flight message. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final WebSocketSession session;
    private final RemoteEndpoint.Async remote;
    private final Object sendLock = new Object();
    private boolean inFlight;
    /** A close requested while a message was in flight: sent once that message completes (or fails). */
    private CloseStatus pendingClose;

    WsSubscriber(TaskStreamHub hub, WebSocketSession session, String taskId, AuthenticatedClient caller, String after) {
        super(hub, taskId, caller, Transport.WS, after);
        this.session = session;
        Session nativeSession = ((NativeWebSocketSession) session).getNativeSession(Session.class);
        nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, 5000L);
        this.remote = nativeSession.getAsyncRemote();
    }

    @Override
    protected void pumpOnce() {
        for (;;) {
            synchronized (sendLock) {
                if (inFlight || pendingClose != null) {
                    return;
                }
            }
            Frame f = next();
            if (f == null) {
                if (drainedForClose()) {
                    close(CloseStatus.NORMAL.getCode(), "task finished", false);
                }
                return;
            }
            if (f.kind() == Frame.Kind.HEARTBEAT) {
                continue; // WebSocket clients get TCP-level liveness from the container; nothing to send
            }
            synchronized (sendLock) {
                inFlight = true;
            }
            remote.sendText(f.json(), this::onSent);
        }
    }

    private void onSent(jakarta.websocket.SendResult result) {
        CloseStatus deferred;
        synchronized (sendLock) {
            inFlight = false;
            deferred = pendingClose;
        }
        if (deferred != null) {
            closeNow(deferred);
        } else if (result.isOK()) {
            hub.sent(transport);
            schedulePump();
        } else {
            // The async send timeout of a stalled client, or the socket is gone.
            boolean timeout = result.getException() instanceof java.net.SocketTimeoutException;
            close(CLOSE_TOO_SLOW, TOO_SLOW, timeout);
        }
    }

    @Override
    protected void closeTransport(int code, String reason) {
        CloseStatus status = new CloseStatus(code, reason);
        synchronized (sendLock) {
            if (inFlight) {
                // Closing now would block on (or abort) the message being written; close right after it.
                pendingClose = status;
                return;
            }
            pendingClose = status;
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
