package io.waldiez.runner.server.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Consumer;
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
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Follows the global {@code task-status} stream in consumer group {@code api-server} and writes
 * RUNNING / WAITING_FOR_INPUT to the tasks table. Each entry is acknowledged only after its effect
 * is in PostgreSQL, so an entry written while the server was busy or down is read again.
 *
 * <p>Final statuses of runs this server supervises are left to {@link LocalTaskLauncher}, which
 * decides the end when the process exits; finals of runs nobody here supervises finish the task.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class LocalStatusConsumer implements SmartLifecycle {

    public static final String GROUP = "api-server";
    private static final String CONSUMER = "local-launcher";
    private static final Logger log = LoggerFactory.getLogger(LocalStatusConsumer.class);

    private final RedisClient client;
    private final TaskRepository repository;
    private final TaskTransitions transitions;
    private final LocalTaskLauncher launcher;
    private final ProtocolCodec codec;
    private volatile boolean running;
    private Thread thread;

    public LocalStatusConsumer(RedisClient client, TaskRepository repository, TaskTransitions transitions,
            LocalTaskLauncher launcher, ObjectMapper json) {
        this.client = client;
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
                // Our own unacknowledged entries first (left by a failure), then new ones.
                boolean backlog = true;
                while (running) {
                    XReadArgs.StreamOffset<String> offset = backlog
                            ? XReadArgs.StreamOffset.from(StreamKeys.GLOBAL_STATUS, "0")
                            : XReadArgs.StreamOffset.lastConsumed(StreamKeys.GLOBAL_STATUS);
                    List<StreamMessage<String, String>> batch = redis.xreadgroup(Consumer.from(GROUP, CONSUMER),
                            XReadArgs.Builder.block(1000).count(100), offset);
                    if (backlog && (batch == null || batch.isEmpty())) {
                        backlog = false;
                        continue;
                    }
                    for (StreamMessage<String, String> m : batch == null ? List.<StreamMessage<String, String>>of() : batch) {
                        handle(m);
                        redis.xack(StreamKeys.GLOBAL_STATUS, GROUP, m.getId());
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    // Unacknowledged entries stay pending and are read again after the pause.
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

    void handle(StreamMessage<String, String> m) {
        Optional<StatusEntry> decoded = codec.decodeStatus(m.getId(), m.getBody());
        if (decoded.isEmpty()) {
            return;
        }
        StatusEntry s = decoded.get();
        if (!StreamKeys.isValidTaskId(s.taskId())) {
            return;
        }
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", s.taskId())) {
            Optional<TaskRecord> task = repository.findAny(s.taskId());
            if (task.isEmpty() || !LocalTaskLauncher.MODE.equals(task.get().launcher())) {
                return; // not ours (another server, a test writing raw entries, or a kubernetes task)
            }
            switch (s.status()) {
                case RUNNING -> transitions.running(s.taskId());
                case WAITING_FOR_INPUT -> {
                    if (s.requestId() != null) {
                        transitions.waitingForInput(s.taskId(), s.requestId());
                    }
                }
                default -> {
                    if (!launcher.isSupervising(s.taskId())) {
                        finishOrphan(s);
                    }
                }
            }
        }
    }

    private void finishOrphan(StatusEntry s) {
        TaskStatus status = TaskStatus.valueOf(s.status().name());
        String reason = s.message();
        transitions.finish(s.taskId(), status, status == TaskStatus.COMPLETED ? s.results() : null, reason);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
