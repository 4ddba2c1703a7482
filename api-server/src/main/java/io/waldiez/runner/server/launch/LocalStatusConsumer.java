package io.waldiez.runner.server.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.StatusEntry;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.tasks.TaskRecord;
import io.waldiez.runner.server.tasks.TaskRepository;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskTransitions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Follows the global hint stream {@code task-status} in consumer group {@code api-server}. A hint only
 * names a task (any run may write any hint): the statuses themselves are read from that task's own
 * stream, by {@link LocalTaskLauncher} for runs it supervises. Every {@link #RESYNC} it also re-reads
 * every run's stream, so a hint that never arrives (or that a run trimmed away) delays nothing for long.
 *
 * <p>A hint for a local task nobody here supervises (a run of a previous server process) finishes the
 * task if its own stream holds a final status.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class LocalStatusConsumer implements SmartLifecycle {

    public static final String GROUP = "api-server";
    private static final String CONSUMER = "local-launcher";
    static final Duration RESYNC = Duration.ofSeconds(2);
    private static final long HINTS_KEPT = 100_000;
    private static final Logger log = LoggerFactory.getLogger(LocalStatusConsumer.class);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> shared;
    private final TaskRepository repository;
    private final TaskTransitions transitions;
    private final LocalTaskLauncher launcher;
    private final ProtocolCodec codec;
    private volatile boolean running;
    private Thread thread;

    public LocalStatusConsumer(RedisClient client, StatefulRedisConnection<String, String> shared,
            TaskRepository repository, TaskTransitions transitions, LocalTaskLauncher launcher, ObjectMapper json) {
        this.client = client;
        this.shared = shared;
        this.repository = repository;
        this.transitions = transitions;
        this.launcher = launcher;
        this.codec = new ProtocolCodec(json);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, "task-status-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> redis = conn.sync();
                createGroup(redis);
                // Our own unacknowledged hints first (left by a failure), then new ones.
                boolean backlog = true;
                long nextResync = 0;
                while (running) {
                    XReadArgs.StreamOffset<String> offset = backlog
                            ? XReadArgs.StreamOffset.from(StreamKeys.GLOBAL_STATUS, "0")
                            : XReadArgs.StreamOffset.lastConsumed(StreamKeys.GLOBAL_STATUS);
                    List<StreamMessage<String, String>> batch = redis.xreadgroup(Consumer.from(GROUP, CONSUMER),
                            XReadArgs.Builder.block(500).count(100), offset);
                    if (backlog && (batch == null || batch.isEmpty())) {
                        backlog = false;
                    }
                    if (batch != null && !batch.isEmpty()) {
                        // Several hints of one task in a batch need one read of its stream.
                        Set<String> hinted = new LinkedHashSet<>();
                        for (StreamMessage<String, String> m : batch) {
                            codec.decodeHint(m.getBody()).ifPresent(hinted::add);
                        }
                        hinted.forEach(this::handle);
                        redis.xack(StreamKeys.GLOBAL_STATUS, GROUP, batch.stream().map(StreamMessage::getId)
                                .toArray(String[]::new));
                    }
                    if (System.nanoTime() - nextResync > 0) {
                        launcher.refreshAll();
                        // Runs add hints with MAXLEN of their own choosing (or none): the bound is ours.
                        redis.xtrim(StreamKeys.GLOBAL_STATUS, true, HINTS_KEPT);
                        nextResync = System.nanoTime() + RESYNC.toNanos();
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    // Unacknowledged hints stay pending and are read again after the pause.
                    log.warn("task-status consumer failed ({}); retrying", e.toString());
                    sleep(1000);
                }
            }
        }
    }

    private void createGroup(RedisCommands<String, String> redis) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(StreamKeys.GLOBAL_STATUS, "$"), GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: it exists (entries after its cursor are still delivered).
        }
    }

    /** A hint for {@code taskId}: re-read that task's own stream. */
    void handle(String taskId) {
        if (launcher.isSupervising(taskId)) {
            launcher.refresh(taskId);
            return;
        }
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            Optional<TaskRecord> task = repository.findAny(taskId);
            if (task.isEmpty() || !LocalTaskLauncher.MODE.equals(task.get().launcher()) || task.get().status().isFinal()) {
                return; // not ours (another server, a kubernetes task), or already over
            }
            lastFinal(taskId).ifPresent(this::finishOrphan);
        }
    }

    private Optional<StatusEntry> lastFinal(String taskId) {
        for (StreamMessage<String, String> m : shared.sync().xrevrange(StreamKeys.status(taskId),
                Range.create("-", "+"), Limit.from(50))) {
            Optional<StatusEntry> s = codec.decodeOwnStatus(taskId, m.getId(), m.getBody());
            if (s.isPresent() && s.get().status().isFinal()) {
                return s;
            }
        }
        return Optional.empty();
    }

    private void finishOrphan(StatusEntry s) {
        TaskStatus status = TaskStatus.valueOf(s.status().name());
        transitions.finish(s.taskId(), status, status == TaskStatus.COMPLETED ? s.results() : null, s.message());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
