package io.waldiez.runner.server.streaming;

import io.waldiez.runner.server.auth.AuthenticatedClient;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A server-sent-events subscriber writing with Servlet non-blocking I/O: it writes only while the
 * container says the socket is ready, so a stalled client fills its own buffer (and is closed)
 * without holding a thread.
 */
final class SseSubscriber extends Subscriber {

    private static final Logger log = LoggerFactory.getLogger(SseSubscriber.class);

    private final AsyncContext async;
    private final ServletOutputStream out;
    private volatile boolean completed;

    SseSubscriber(TaskStreamHub hub, AsyncContext async, String taskId, AuthenticatedClient caller, String after)
            throws IOException {
        super(hub, taskId, caller, Transport.SSE, after);
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                completed = true;
                transportClosed();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                endFromContainer();
            }

            @Override
            public void onError(AsyncEvent event) {
                // Usually the client went away. Completing here, on the container's thread, is what
                // keeps Tomcat from an error dispatch to /error (which would log a bogus server error).
                endFromContainer();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
    }

    /** Starts writing: the container calls onWritePossible as soon as the response can take data. */
    void attach() {
        out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                schedulePump();
            }

            @Override
            public void onError(Throwable t) {
                log.debug("SSE write failed: {}", t.toString());
                endFromContainer();
            }
        });
    }

    @Override
    protected void pumpOnce() {
        if (completed) {
            return;
        }
        try {
            while (out.isReady()) {
                Frame f = next();
                if (f == null) {
                    if (drainedForClose()) {
                        close(1000, "task finished", false);
                    }
                    return;
                }
                out.write(f.sse());
                if (f.kind() != Frame.Kind.HEARTBEAT) {
                    hub.sent(transport);
                }
                if (!out.isReady()) {
                    return; // the container finishes the write, then calls onWritePossible
                }
                out.flush();
            }
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

    private void endFromContainer() {
        transportClosed();
        completed = true;
        try {
            async.complete();
        } catch (IllegalStateException ignored) {
            // already completed
        }
    }

    private void finish() {
        transportClosed();
        if (!completed) {
            completed = true;
            try {
                async.complete();
            } catch (IllegalStateException ignored) {
                // already completed by the container
            }
        }
    }
}
