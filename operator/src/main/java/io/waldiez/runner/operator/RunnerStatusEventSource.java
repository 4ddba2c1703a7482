package io.waldiez.runner.operator;

import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.health.Status;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
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
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.StatusEntry;
import io.waldiez.runner.protocol.StreamKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JOSDK event source on the global runner status stream {@code task-status}, read with the
 * consumer group {@code operator}. Each entry updates an in-memory latest-status cache keyed by
 * task id and triggers a reconcile of its WaldiezTask. Entries are acknowledged only by
 * {@link #acknowledge} after the reconciler recorded their effect, so an entry published while the
 * operator is down, or read but not yet recorded when it stopped, is processed after a restart.
 */
public class RunnerStatusEventSource extends AbstractEventSource<RunnerState, WaldiezTask> {

    public static final String GROUP = "operator";
    /** Index of the primary cache: task id to WaldiezTask. */
    public static final String TASK_ID_INDEX = "waldiez-task-id";
    private static final Logger log = LoggerFactory.getLogger(RunnerStatusEventSource.class);
    private static final Duration PENDING_RESCAN = Duration.ofSeconds(2);

    private final RedisClient redis;
    private final ProtocolCodec codec;
    private final String consumerName;
    private final Duration unknownTaskAckAfter;
    private final IndexedResourceCache<WaldiezTask> primaries;
    private final Map<String, RunnerState> states = new ConcurrentHashMap<>();

    private volatile boolean reading;
    private volatile boolean lastReadFailed;
    private volatile Instant startedAt = Instant.now();
    private Thread reader;
    private StatefulRedisConnection<String, String> blockingConnection;
    private StatefulRedisConnection<String, String> commandConnection;

    public RunnerStatusEventSource(RedisClient redis, ProtocolCodec codec, OperatorSettings settings,
                                   IndexedResourceCache<WaldiezTask> primaries) {
        super(RunnerState.class, "runner-status");
        this.redis = redis;
        this.codec = codec;
        this.consumerName = settings.consumerName();
        this.unknownTaskAckAfter = settings.unknownTaskAckAfter();
        this.primaries = primaries;
    }

    @Override
    public synchronized void start() throws OperatorException {
        if (isRunning()) {
            return;
        }
        blockingConnection = redis.connect();
        commandConnection = redis.connect();
        try {
            // "0": a group made for the first time also reads what runners wrote before it existed
            commandConnection.sync().xgroupCreate(XReadArgs.StreamOffset.from(StreamKeys.GLOBAL_STATUS, "0"), GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException alreadyExists) {
            // BUSYGROUP: the group survives restarts, which is the point
        }
        reading = true;
        startedAt = Instant.now();
        reader = new Thread(this::readLoop, "runner-status-reader");
        reader.setDaemon(true);
        reader.start();
        super.start();
    }

    @Override
    public synchronized void stop() throws OperatorException {
        reading = false;
        if (reader != null) {
            try {
                reader.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (blockingConnection != null) {
            blockingConnection.close();
        }
        if (commandConnection != null) {
            commandConnection.close();
        }
        super.stop();
    }

    /** Unhealthy while Redis cannot be read: the health endpoint reports it (OperatorHealth). */
    @Override
    public Status getStatus() {
        return reading && reader != null && reader.isAlive() && !lastReadFailed ? Status.HEALTHY : Status.UNHEALTHY;
    }

    @Override
    public Set<RunnerState> getSecondaryResources(WaldiezTask task) {
        String taskId = TaskIds.of(task);
        if (!StreamKeys.isValidTaskId(taskId)) {
            return Set.of();
        }
        RunnerState state = states.computeIfAbsent(taskId, this::loadFromTaskStream);
        return state.latest() == null && state.unacked().isEmpty() ? Set.of() : Set.of(state);
    }

    /**
     * Acknowledges entries whose effect the reconciler has recorded.
     *
     * @param taskId the task
     * @param ids    global stream ids from {@link RunnerState#unacked()} that were observed
     */
    public void acknowledge(String taskId, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        commandConnection.sync().xack(StreamKeys.GLOBAL_STATUS, GROUP, ids.toArray(String[]::new));
        states.computeIfPresent(taskId, (id, s) -> s.withoutAcked(ids));
    }

    /** Acknowledges whatever is pending for a task whose status can no longer change. */
    public void acknowledgeAll(String taskId) {
        RunnerState state = states.get(taskId);
        if (state != null) {
            acknowledge(taskId, state.unacked());
        }
    }

    private static boolean isTerminal(WaldiezTask task) {
        return task.getStatus() != null && task.getStatus().getPhase() != null && task.getStatus().getPhase().isTerminal();
    }

    /** Drops the cached state of a finished (or deleted) task; a later read reloads it from Redis. */
    public void forget(String taskId) {
        states.computeIfPresent(taskId, (id, s) -> s.unacked().isEmpty() ? null : s);
    }

    /**
     * After a restart the cache is empty although the runner may be waiting for input: the newest
     * status in the task's own stream is the runner's current state.
     */
    private RunnerState loadFromTaskStream(String taskId) {
        RunnerState state = RunnerState.empty(taskId);
        try {
            List<StreamMessage<String, String>> newestFirst = commandConnection.sync()
                    .xrevrange(StreamKeys.status(taskId), Range.create("-", "+"), Limit.from(50));
            List<StreamMessage<String, String>> oldestFirst = new ArrayList<>(newestFirst);
            Collections.reverse(oldestFirst);
            for (StreamMessage<String, String> m : oldestFirst) {
                Optional<StatusEntry> entry = codec.decodeStatus(m.getId(), m.getBody());
                if (entry.isPresent()) {
                    state = state.with(entry.get(), null);
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not read {}: {}", StreamKeys.status(taskId), e.getMessage());
        }
        return state;
    }

    private void readLoop() {
        RedisCommands<String, String> redisSync = blockingConnection.sync();
        Consumer<String> consumer = Consumer.from(GROUP, consumerName);
        Instant nextPendingScan = Instant.EPOCH;
        while (reading) {
            try {
                if (Instant.now().isAfter(nextPendingScan)) {
                    // our own delivered-but-unacknowledged entries: after a restart, or waiting for their task
                    handle(redisSync.xreadgroup(consumer, XReadArgs.Builder.count(200),
                            XReadArgs.StreamOffset.from(StreamKeys.GLOBAL_STATUS, "0")), true);
                    nextPendingScan = Instant.now().plus(PENDING_RESCAN);
                }
                handle(redisSync.xreadgroup(consumer, XReadArgs.Builder.block(500).count(200),
                        XReadArgs.StreamOffset.lastConsumed(StreamKeys.GLOBAL_STATUS)), false);
                lastReadFailed = false;
            } catch (RuntimeException e) {
                if (reading) {
                    lastReadFailed = true;
                    log.warn("reading {} failed, retrying: {}", StreamKeys.GLOBAL_STATUS, e.getMessage());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    private void handle(List<StreamMessage<String, String>> messages, boolean replay) {
        for (StreamMessage<String, String> m : messages) {
            Optional<StatusEntry> decoded = codec.decodeStatus(m.getId(), m.getBody());
            if (decoded.isEmpty()) {
                log.warn("ignoring malformed entry {} in {}", m.getId(), StreamKeys.GLOBAL_STATUS);
                commandConnection.sync().xack(StreamKeys.GLOBAL_STATUS, GROUP, m.getId());
                continue;
            }
            StatusEntry entry = decoded.get();
            List<WaldiezTask> tasks = primaries.byIndex(TASK_ID_INDEX, entry.taskId());
            if (tasks.isEmpty()) {
                // maybe not in the informer cache yet, or another operator's task: keep it a while
                if (age(m.getId(), startedAt).compareTo(unknownTaskAckAfter) > 0) {
                    commandConnection.sync().xack(StreamKeys.GLOBAL_STATUS, GROUP, m.getId());
                }
                continue;
            }
            if (tasks.stream().allMatch(RunnerStatusEventSource::isTerminal)) {
                // terminal phases never change: nothing left to record
                commandConnection.sync().xack(StreamKeys.GLOBAL_STATUS, GROUP, m.getId());
                continue;
            }
            RunnerState before = states.get(entry.taskId());
            if (replay && before != null && before.unacked().contains(m.getId())) {
                continue; // already handed over, the reconciler has not recorded it yet
            }
            states.compute(entry.taskId(), (id, s) -> (s == null ? RunnerState.empty(id) : s).with(entry, m.getId()));
            for (WaldiezTask task : tasks) {
                try (TaskLog ignored = TaskLog.open(task)) {
                    log.debug("runner status {} ({})", entry.status(), m.getId());
                }
                getEventHandler().handleEvent(new Event(ResourceID.fromResource(task)));
            }
        }
    }

    /** Age of an entry, counted from our start at the earliest: the primary cache fills after start. */
    private static Duration age(String streamId, Instant startedAt) {
        int dash = streamId.indexOf('-');
        try {
            long millis = Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
            Instant written = Instant.ofEpochMilli(millis);
            return Duration.between(written.isAfter(startedAt) ? written : startedAt, Instant.now());
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
