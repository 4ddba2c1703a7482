package io.waldiez.runner.server.streaming;

import io.waldiez.runner.protocol.StreamIds;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.tasks.TaskAccess;
import io.waldiez.runner.server.tasks.TaskSnapshot;
import io.waldiez.runner.server.tasks.TaskStatusChanged;
import io.waldiez.runner.server.tasks.TranscriptArchive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Fan-out of task output to WebSocket and SSE subscribers.
 *
 * <p>One reader thread per process tails the output streams of every watched task with a single
 * multiplexed {@code XREAD BLOCK} on its own Redis connection, so the number of Redis reads does not
 * grow with the number of connections; a task's stream leaves the read set when its last subscriber
 * leaves. The reader only enqueues into per-connection bounded buffers; a small pool drains them in
 * batches (a write waits only for a client whose TCP buffers are full, bounded by send-timeout), so a
 * stalled client overflows its own buffer and is closed (4008) instead of slowing the others. Status
 * transitions ({@link TaskStatusChanged}) first catch the channel up with the stream, so a status
 * frame never overtakes the output written before it.
 */
@Component
public class TaskStreamHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskStreamHub.class);

    private final StreamingProperties props;
    private final StreamFrames frames;
    private final TaskAccess access;
    private final TranscriptArchive archive;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;

    private final Map<String, TaskChannel> channels = new ConcurrentHashMap<>();
    private final Set<Subscriber> all = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perTask = new HashMap<>();
    private final Map<String, Integer> perClient = new HashMap<>();
    private final Object wakeLock = new Object();

    private final ExecutorService senders;
    private final ExecutorService events;
    private final ScheduledExecutorService timer;
    private volatile Thread reader;
    private volatile boolean running;
    private volatile long readerClientId = -1;

    private final AtomicInteger wsConnections = new AtomicInteger();
    private final AtomicInteger sseConnections = new AtomicInteger();
    private final Counter wsFrames;
    private final Counter sseFrames;
    private final Counter slowDisconnects;

    public TaskStreamHub(StreamingProperties props, StreamFrames frames, TaskAccess access, TranscriptArchive archive,
            RedisClient redisClient, StatefulRedisConnection<String, String> redis, MeterRegistry meters) {
        this.props = props;
        this.frames = frames;
        this.access = access;
        this.archive = archive;
        this.redisClient = redisClient;
        this.redis = redis;
        this.senders = Executors.newFixedThreadPool(props.senderThreads(), named("waldiez-stream-send-"));
        this.events = Executors.newSingleThreadExecutor(named("waldiez-stream-events-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("waldiez-stream-timer-"));
        Gauge.builder("waldiez.streaming.connections", wsConnections, AtomicInteger::get)
                .tag("transport", "ws").description("Open task streams").register(meters);
        Gauge.builder("waldiez.streaming.connections", sseConnections, AtomicInteger::get)
                .tag("transport", "sse").description("Open task streams").register(meters);
        Gauge.builder("waldiez.streaming.readers", channels, Map::size)
                .description("Tasks whose output stream this process tails").register(meters);
        this.wsFrames = Counter.builder("waldiez.streaming.frames.sent").tag("transport", "ws").register(meters);
        this.sseFrames = Counter.builder("waldiez.streaming.frames.sent").tag("transport", "sse").register(meters);
        this.slowDisconnects = Counter.builder("waldiez.streaming.slow.disconnects")
                .description("Streams closed because the client did not keep up").register(meters);
    }

    // ---------------------------------------------------------------- joining and leaving

    /** Why a stream is refused before it opens, or null when it may open (no reservation). */
    String admissionProblem(String taskId, String clientId) {
        synchronized (perTask) {
            if (perTask.getOrDefault(taskId, 0) >= props.maxConnectionsPerTask()) {
                return "too many connections for this task";
            }
            if (perClient.getOrDefault(clientId, 0) >= props.maxConnectionsPerClient()) {
                return "too many connections for this client";
            }
            return null;
        }
    }

    /**
     * Opens a stream: takes a connection slot, joins the task's channel, then sends status, history
     * and the live tail. Returns a refusal reason (the caller closes with it) or null.
     */
    String join(Subscriber sub) {
        String problem;
        synchronized (perTask) {
            problem = admissionProblem(sub.taskId, sub.caller.id());
            if (problem == null) {
                perTask.merge(sub.taskId, 1, Integer::sum);
                perClient.merge(sub.caller.id(), 1, Integer::sum);
                sub.acquired.set(true);
            }
        }
        if (problem != null) {
            return problem;
        }
        all.add(sub);
        (sub.transport == Subscriber.Transport.WS ? wsConnections : sseConnections).incrementAndGet();

        boolean[] created = {false};
        String[] floor = new String[1];
        channels.compute(sub.taskId, (id, ch) -> {
            if (ch == null || ch.isClosed()) {
                ch = new TaskChannel(id, lastEntryId(StreamKeys.output(id)));
                created[0] = true;
            }
            floor[0] = ch.add(sub);
            return ch;
        });
        if (created[0]) {
            wakeReader();
        }
        // Read after joining: a transition committed before this point is in the snapshot, any later
        // one reaches the subscriber through the channel (older ones are dropped by updated_at).
        Optional<TaskSnapshot> snapshot = access.findForOwner(sub.taskId, sub.caller);
        if (snapshot.isEmpty()) {
            sub.close(1008, "Task not found", false);
            return null;
        }
        TaskSnapshot task = snapshot.get();
        if (task.status().isFinal()) {
            leaveChannel(sub);
            Subscriber.History history = task.archived()
                    ? (afterId, limit) -> archive.entriesAfter(sub.taskId, afterId, limit)
                    : redisHistory(StreamKeys.output(sub.taskId), null);
            sub.start(task, history, true);
        } else {
            String end = floor[0];
            Subscriber.History history = "0-0".equals(end) ? (a, l) -> List.of() : redisHistory(StreamKeys.output(sub.taskId), end);
            sub.start(task, history, false);
        }
        return null;
    }

    /** A subscriber is done (closed by us or by its client): free its slot and its place in the channel. */
    void closed(Subscriber sub, boolean tooSlow) {
        if (!sub.released.compareAndSet(false, true)) {
            return;
        }
        all.remove(sub);
        leaveChannel(sub);
        if (sub.acquired.get()) {
            synchronized (perTask) {
                perTask.computeIfPresent(sub.taskId, (k, n) -> n > 1 ? n - 1 : null);
                perClient.computeIfPresent(sub.caller.id(), (k, n) -> n > 1 ? n - 1 : null);
            }
            (sub.transport == Subscriber.Transport.WS ? wsConnections : sseConnections).decrementAndGet();
        }
        if (tooSlow) {
            slowDisconnects.increment();
            try (var ignored = MDC.putCloseable("task_id", sub.taskId)) {
                log.info("Closed a {} stream: client too slow (more than {} frames or {} queued)",
                        sub.transport, props.bufferFrames(), props.bufferSize());
            }
        }
    }

    private void leaveChannel(Subscriber sub) {
        channels.computeIfPresent(sub.taskId, (id, ch) -> ch.remove(sub) ? null : ch);
    }

    // ---------------------------------------------------------------- status transitions

    @EventListener
    public void onStatusChanged(TaskStatusChanged event) {
        TaskSnapshot task = event.task();
        if (task == null || !channels.containsKey(task.id())) {
            return;
        }
        // One thread, in publication order: transitions of a task reach clients in the order committed.
        try {
            events.execute(() -> deliverStatus(task));
        } catch (RejectedExecutionException e) {
            // shutting down: streams are being closed anyway
        }
    }

    private void deliverStatus(TaskSnapshot task) {
        TaskChannel ch = channels.get(task.id());
        if (ch == null) {
            return;
        }
        try (var ignored = MDC.putCloseable("task_id", task.id())) {
            try {
                catchUp(ch);
            } catch (RuntimeException e) {
                log.warn("Could not catch up with the output before a status frame: {}", e.toString());
            }
            ch.dispatchStatus(frames.status(task));
            if (task.status().isFinal()) {
                channels.remove(task.id(), ch);
            }
        }
    }

    /** Dispatches whatever the stream holds after the channel's cursor (the reader may lag behind). */
    private void catchUp(TaskChannel ch) {
        int limit = props.historyBatch();
        for (;;) {
            List<OutputEntry> page = redisHistory(ch.key, null).after(ch.cursor(), limit);
            ch.dispatch(page, frames);
            if (page.size() < limit) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- Redis

    private Subscriber.History redisHistory(String key, String endInclusive) {
        return (afterId, limit) -> {
            Range.Boundary<String> lower = afterId == null
                    ? Range.Boundary.unbounded() : Range.Boundary.including(StreamIds.successor(afterId));
            Range.Boundary<String> upper = endInclusive == null
                    ? Range.Boundary.unbounded() : Range.Boundary.including(endInclusive);
            List<StreamMessage<String, String>> msgs =
                    redis.sync().xrange(key, Range.from(lower, upper), Limit.from(limit));
            List<OutputEntry> out = new ArrayList<>(msgs.size());
            for (StreamMessage<String, String> m : msgs) {
                out.add(new OutputEntry(m.getId(), m.getBody()));
            }
            return out;
        };
    }

    /**
     * True if the task's recent output holds an input_request with this id and no input_response to
     * it yet: an answer to it is early, not wrong (a client that opens a socket just to answer has not
     * seen the history itself).
     */
    boolean isOpenInputRequest(String taskId, String requestId) {
        List<StreamMessage<String, String>> recent;
        try {
            recent = redis.sync().xrevrange(StreamKeys.output(taskId), Range.unbounded(), Limit.from(100));
        } catch (RuntimeException e) {
            return false;
        }
        for (StreamMessage<String, String> m : recent) {
            if (requestId.equals(m.getBody().get("request_id"))) {
                return OutputEntry.TYPE_INPUT_REQUEST.equals(m.getBody().get("type"));
            }
        }
        return false;
    }

    private String lastEntryId(String key) {
        List<StreamMessage<String, String>> last = redis.sync().xrevrange(key, Range.unbounded(), Limit.from(1));
        return last.isEmpty() ? "0-0" : last.get(0).getId();
    }

    private void wakeReader() {
        synchronized (wakeLock) {
            wakeLock.notifyAll();
        }
        long id = readerClientId;
        if (id >= 0) {
            // Ends the reader's current XREAD BLOCK at once so that it picks up the new stream.
            redis.async().clientUnblock(id, UnblockType.TIMEOUT);
        }
    }

    private void readLoop() {
        StatefulRedisConnection<String, String> conn = null;
        while (running) {
            try {
                if (conn == null) {
                    conn = redisClient.connect();
                    readerClientId = conn.sync().clientId();
                }
                List<TaskChannel> watched = new ArrayList<>(channels.values());
                if (watched.isEmpty()) {
                    synchronized (wakeLock) {
                        if (channels.isEmpty() && running) {
                            wakeLock.wait(props.readBlock().toMillis());
                        }
                    }
                    continue;
                }
                Map<String, TaskChannel> byKey = new HashMap<>();
                @SuppressWarnings("unchecked")
                XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[watched.size()];
                for (int i = 0; i < watched.size(); i++) {
                    TaskChannel ch = watched.get(i);
                    byKey.put(ch.key, ch);
                    offsets[i] = XReadArgs.StreamOffset.from(ch.key, ch.cursor());
                }
                List<StreamMessage<String, String>> msgs = conn.sync().xread(
                        XReadArgs.Builder.block(props.readBlock()).count(props.readCount()), offsets);
                if (msgs == null || msgs.isEmpty()) {
                    continue;
                }
                Map<String, List<OutputEntry>> grouped = new HashMap<>();
                for (StreamMessage<String, String> m : msgs) {
                    grouped.computeIfAbsent(m.getStream(), k -> new ArrayList<>())
                            .add(new OutputEntry(m.getId(), m.getBody()));
                }
                grouped.forEach((key, entries) -> {
                    TaskChannel ch = byKey.get(key);
                    if (ch != null) {
                        ch.dispatch(entries, frames);
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                log.warn("Live stream reader: {}; retrying in 1 s", e.toString());
                if (conn != null) {
                    closeQuietly(conn);
                    conn = null;
                    readerClientId = -1;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (conn != null) {
            closeQuietly(conn);
        }
    }

    private static void closeQuietly(StatefulRedisConnection<String, String> conn) {
        try {
            conn.close();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::readLoop, "waldiez-stream-reader");
        t.setDaemon(true);
        reader = t;
        t.start();
        long beat = props.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(() -> all.forEach(Subscriber::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        for (Subscriber s : List.copyOf(all)) {
            s.close(1001, "server shutting down", false);
        }
        wakeReader();
        Thread t = reader;
        if (t != null) {
            try {
                t.join(props.readBlock().toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        events.shutdown();
        senders.shutdown();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // ---------------------------------------------------------------- for subscribers

    StreamingProperties props() {
        return props;
    }

    StreamFrames frames() {
        return frames;
    }

    ExecutorService executor() {
        return senders;
    }

    /** Runs {@code task} on the timer thread after {@code millis} (short, non-blocking work only). */
    void later(Runnable task, long millis) {
        try {
            timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    void sent(Subscriber.Transport transport) {
        (transport == Subscriber.Transport.WS ? wsFrames : sseFrames).increment();
    }

    /** True while this process tails the task's output stream. */
    boolean isTailing(String taskId) {
        return channels.containsKey(taskId);
    }

    /** Number of tasks this process currently tails (for tests and the readers gauge). */
    int readerCount() {
        return channels.size();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
