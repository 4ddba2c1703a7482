package io.waldiez.runner.server.streaming;

import io.waldiez.runner.protocol.StreamIds;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.tasks.TaskSnapshot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One live stream (a WebSocket or an SSE response) of one task: a bounded outgoing queue fed by the
 * task's shared reader, its own paged history, and a transport that drains the queue without blocking
 * the feeders.
 *
 * <p>Order of what a subscriber sends: the status frame, the history after its cursor up to the
 * point where it joined the shared reader, then everything the reader and status events delivered
 * meanwhile (held in {@code pending}), then the live tail. Output entries are deduplicated by stream
 * id, so every entry is sent once; status frames older than the one already sent are dropped.
 */
abstract class Subscriber {

    /** Close code for a client whose outgoing buffer overflowed or whose send timed out. */
    static final int CLOSE_TOO_SLOW = 4008;
    static final String TOO_SLOW = "client too slow";

    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    /** Reads history: up to {@code limit} entries strictly after {@code afterId} (null: from the start). */
    @FunctionalInterface
    interface History {
        List<OutputEntry> after(String afterId, int limit);
    }

    enum Transport { WS, SSE }

    private enum Phase { JOINING, HISTORY, LIVE }

    final String taskId;
    final AuthenticatedClient caller;
    final Transport transport;
    /** The client's resume cursor (normalized), or null for the whole transcript. */
    final String after;
    /** Id of the last entry the shared reader had dispatched when this subscriber joined it. */
    String liveFloor;

    protected final TaskStreamHub hub;
    private final int maxFrames;
    private final long maxBytes;

    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private final List<Frame> pending = new ArrayList<>();
    private long queuedBytes;
    private Phase phase = Phase.JOINING;
    private History history;
    private String historyCursor;
    private int historyLimit;
    private TaskSnapshot finalAfterHistory;
    private String lastId;
    private TaskSnapshot lastStatus;
    private boolean finalQueued;
    private boolean closeAfterDrain;
    private volatile boolean closed;
    /** input_request ids this client was sent and whose input_response it has not seen yet (bounded). */
    private final java.util.LinkedHashSet<String> openRequests = new java.util.LinkedHashSet<>();

    private final AtomicInteger wip = new AtomicInteger();
    final AtomicBoolean released = new AtomicBoolean();
    final AtomicBoolean acquired = new AtomicBoolean();

    Subscriber(TaskStreamHub hub, String taskId, AuthenticatedClient caller, Transport transport, String after) {
        this.hub = hub;
        this.taskId = taskId;
        this.caller = caller;
        this.transport = transport;
        this.after = after;
        this.lastId = after;
        this.maxFrames = hub.props().bufferFrames();
        this.maxBytes = hub.props().bufferSize().toBytes();
        this.historyLimit = hub.props().historyBatch();
    }

    // ---------------------------------------------------------------- fed by the hub

    /**
     * Starts sending: the status frame, then history, then what arrived meanwhile. For a task that is
     * already final, {@code history} runs to the end of the transcript and the final status follows.
     */
    void start(TaskSnapshot task, History history, boolean finished) {
        synchronized (this) {
            if (closed) {
                return;
            }
            lastStatus = task;
            enqueue(hub.frames().status(task));
            this.history = history;
            this.historyCursor = after;
            if (finished) {
                // Everything comes from history; what the live reader queued would repeat it.
                for (Frame f : pending) {
                    queuedBytes -= f.cost();
                }
                pending.clear();
                finalAfterHistory = task;
            }
            phase = Phase.HISTORY;
        }
        schedulePump();
    }

    /** A live frame from the task's reader or a status event (non-blocking: called under the channel lock). */
    void offer(Frame frame) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (phase == Phase.LIVE) {
                admit(frame);
            } else if (fits(frame)) {
                pending.add(frame);
                queuedBytes += frame.cost();
            } else {
                overflow();
            }
        }
        schedulePump();
    }

    /** A reply to this client only (error frames): not subject to the live ordering. */
    void reply(Frame frame) {
        synchronized (this) {
            if (closed) {
                return;
            }
            enqueue(frame);
        }
        schedulePump();
    }

    /** Keep-alive, only when idle (SSE uses it to notice vanished clients). */
    void heartbeat() {
        if (transport != Transport.SSE) {
            return; // WebSocket liveness is the container's business
        }
        synchronized (this) {
            if (closed || !queue.isEmpty() || phase != Phase.LIVE) {
                return;
            }
            queue.add(Frame.HEARTBEAT);
            queuedBytes += Frame.HEARTBEAT.cost();
        }
        schedulePump();
    }

    /**
     * True if this client was sent an input_request with this id and no answer to it yet: its answer
     * may arrive before the task's WAITING_FOR_INPUT transition is committed (the runner writes the
     * request first), so the caller retries it briefly instead of rejecting it.
     */
    synchronized boolean awaitsAnswer(String requestId) {
        return openRequests.contains(requestId);
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- used by transports

    /**
     * The next frame to send, reading the next history page when the queue ran dry (blocking Redis
     * or PostgreSQL read: only ever called on the sender pool). Null when there is nothing to send.
     */
    protected final Frame next() {
        for (;;) {
            History source;
            String cursor;
            synchronized (this) {
                if (closed) {
                    return null;
                }
                Frame f = queue.poll();
                if (f != null) {
                    queuedBytes -= f.cost();
                    return f;
                }
                if (phase != Phase.HISTORY) {
                    return null;
                }
                source = history;
                cursor = historyCursor;
            }
            int limit;
            synchronized (this) {
                limit = historyLimit;
            }
            List<OutputEntry> page;
            try {
                page = source.after(cursor, limit);
            } catch (RuntimeException e) {
                try (var ignored = MDC.putCloseable("task_id", taskId)) {
                    log.warn("Reading the history of a stream failed: {}", e.toString());
                }
                close(1011, "history unavailable", false);
                return null;
            }
            synchronized (this) {
                if (closed) {
                    return null;
                }
                for (OutputEntry e : page) {
                    historyCursor = e.id();
                    if (StreamIds.isAfter(e.id(), lastId)) {
                        lastId = e.id();
                        Frame f = hub.frames().output(e);
                        track(f);
                        queue.add(f);
                        queuedBytes += f.cost();
                    }
                }
                if (page.size() < limit) {
                    endHistory();
                } else {
                    adaptHistoryLimit(page);
                }
            }
        }
    }

    /** True once a final status was queued and everything before it has been handed to the transport. */
    protected final synchronized boolean drainedForClose() {
        return closeAfterDrain && !closed && queue.isEmpty() && phase == Phase.LIVE;
    }

    /** Serializes {@link #pumpOnce} on the sender pool (at most one runs per subscriber). */
    final void schedulePump() {
        if (wip.getAndIncrement() == 0) {
            try {
                hub.executor().execute(this::drain);
            } catch (RejectedExecutionException e) {
                wip.set(0); // shutting down
            }
        }
    }

    private void drain() {
        int missed = 1;
        do {
            try {
                pumpOnce();
            } catch (RuntimeException e) {
                try (var ignored = MDC.putCloseable("task_id", taskId)) {
                    log.warn("Stream send failed: {}", e.toString());
                }
                close(1011, "send failed", false);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Moves frames from the queue to the transport without blocking on the network. */
    protected abstract void pumpOnce();

    /** Closes the transport itself (runs on the sender pool). */
    protected abstract void closeTransport(int code, String reason);

    /**
     * Closes this stream: stops feeding it, frees its buffer and its connection slot, then closes
     * the transport with {@code code} on the sender pool.
     */
    final void close(int code, String reason, boolean tooSlow) {
        synchronized (this) {
            if (closed) {
                return;
            }
            markClosed();
        }
        hub.closed(this, tooSlow);
        try {
            hub.executor().execute(() -> closeTransport(code, reason));
        } catch (RejectedExecutionException e) {
            closeTransport(code, reason);
        }
    }

    /** The client went away (or the transport failed): forget it. */
    final void transportClosed() {
        synchronized (this) {
            if (!closed) {
                markClosed();
            }
        }
        // Outside the lock (the hub takes channel locks); idempotent, so the slot is released once.
        hub.closed(this, false);
    }

    // ---------------------------------------------------------------- internals (hold the lock)

    private void markClosed() {
        closed = true;
        queue.clear();
        pending.clear();
        queuedBytes = 0;
    }

    /** Pages of big entries get shorter, so one page stays within the byte budget of the buffer. */
    private void adaptHistoryLimit(List<OutputEntry> page) {
        long bytes = 0;
        for (OutputEntry e : page) {
            String data = e.data();
            bytes += 128 + (data == null ? 0 : data.length());
        }
        long avg = Math.max(1, bytes / Math.max(1, page.size()));
        historyLimit = (int) Math.max(1, Math.min(hub.props().historyBatch(), maxBytes / avg));
    }

    private void endHistory() {
        phase = Phase.LIVE;
        history = null;
        if (finalAfterHistory != null) {
            enqueue(hub.frames().status(finalAfterHistory));
            finalQueued = true;
            closeAfterDrain = true;
            return;
        }
        List<Frame> held = new ArrayList<>(pending);
        pending.clear();
        for (Frame f : held) {
            queuedBytes -= f.cost();
            admit(f);
        }
    }

    private void admit(Frame f) {
        if (finalQueued) {
            return;
        }
        switch (f.kind()) {
            case OUTPUT -> {
                if (!StreamIds.isAfter(f.id(), lastId)) {
                    return;
                }
                lastId = f.id();
                track(f);
                enqueue(f);
            }
            case STATUS -> {
                if (!newer(f.task())) {
                    return;
                }
                lastStatus = f.task();
                enqueue(f);
                if (f.isFinalStatus()) {
                    finalQueued = true;
                    closeAfterDrain = true;
                }
            }
            default -> enqueue(f);
        }
    }

    private void track(Frame f) {
        if (f.requestId() == null) {
            return;
        }
        if (OutputEntry.TYPE_INPUT_REQUEST.equals(f.event())) {
            openRequests.add(f.requestId());
            if (openRequests.size() > 16) {
                openRequests.remove(openRequests.iterator().next());
            }
        } else if (OutputEntry.TYPE_INPUT_RESPONSE.equals(f.event())) {
            openRequests.remove(f.requestId());
        }
    }

    private boolean newer(TaskSnapshot s) {
        if (lastStatus == null) {
            return true;
        }
        if (lastStatus.status().isFinal()) {
            return false;
        }
        Instant a = s.updatedAt();
        Instant b = lastStatus.updatedAt();
        int c = a == null || b == null ? 0 : a.compareTo(b);
        if (c != 0) {
            return c > 0;
        }
        return s.status() != lastStatus.status() || !Objects.equals(s.inputRequestId(), lastStatus.inputRequestId());
    }

    /**
     * The buffer bounds what a slow client can make us hold, not what a task may produce: a frame
     * always fits an empty buffer (one entry larger than the budget still reaches a client that
     * keeps up), and status frames always fit, since there are few of them and the final one carries
     * the results, of any size, that a client must get to see the end of the run.
     */
    private boolean fits(Frame f) {
        if (f.kind() == Frame.Kind.STATUS || queue.isEmpty() && pending.isEmpty()) {
            return true;
        }
        return queue.size() + pending.size() < maxFrames && queuedBytes + f.cost() <= maxBytes;
    }

    private void enqueue(Frame f) {
        if (!fits(f)) {
            overflow();
            return;
        }
        queue.add(f);
        queuedBytes += f.cost();
    }

    /** Called with the lock held: the actual close runs on the pool so feeders never wait. */
    private void overflow() {
        if (closed) {
            return;
        }
        markClosed();
        try {
            hub.executor().execute(() -> {
                hub.closed(this, true);
                closeTransport(CLOSE_TOO_SLOW, TOO_SLOW);
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the transport is closed by the hub
        }
    }
}
