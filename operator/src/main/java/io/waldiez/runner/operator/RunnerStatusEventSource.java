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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JOSDK event source on the global hint stream {@code task-status}, read with the consumer group
 * {@code operator}. A hint only names a task (any run may write any hint, protocol v2): the runner's
 * statuses are read from that task's own stream {@code task:<id>:status}, from where the last read
 * stopped, into an in-memory state per task, and a reconcile of its WaldiezTask is triggered. Every
 * reconcile reads the task's stream again too ({@link #getSecondaryResources}), so a lost hint only
 * delays a transition. Hints are acknowledged only by {@link #acknowledge} after the reconciler
 * recorded their effect, so a hint published while the operator is down is processed after a restart.
 * Every {@link #SWEEP} it also removes the Redis users of runs whose task is gone.
 */
public class RunnerStatusEventSource extends AbstractEventSource<RunnerState, WaldiezTask> {

    public static final String GROUP = "operator";
    /** Index of the primary cache: task id to WaldiezTask. */
    public static final String TASK_ID_INDEX = "waldiez-task-id";
    private static final Logger log = LoggerFactory.getLogger(RunnerStatusEventSource.class);
    private static final Duration PENDING_RESCAN = Duration.ofSeconds(2);
    static final Duration SWEEP = Duration.ofMinutes(5);
    private static final int PAGE = 100;

    private final RedisClient redis;
    private final ProtocolCodec codec;
    private final String consumerName;
    private final Duration unknownTaskAckAfter;
    private final IndexedResourceCache<WaldiezTask> primaries;
    private final RunRedisCredentials credentials;
    private final Map<String, RunnerState> states = new ConcurrentHashMap<>();

    private volatile boolean reading;
    private volatile boolean lastReadFailed;
    private volatile Instant startedAt = Instant.now();
    private Thread reader;
    private StatefulRedisConnection<String, String> blockingConnection;
    private StatefulRedisConnection<String, String> commandConnection;

    public RunnerStatusEventSource(RedisClient redis, ProtocolCodec codec, OperatorSettings settings,
                                   IndexedResourceCache<WaldiezTask> primaries, RunRedisCredentials credentials) {
        super(RunnerState.class, "runner-status");
        this.redis = redis;
        this.codec = codec;
        this.consumerName = settings.consumerName();
        this.unknownTaskAckAfter = settings.unknownTaskAckAfter();
        this.primaries = primaries;
        this.credentials = credentials;
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
        RunnerState state = states.compute(taskId, (id, s) -> readOwnStream(s == null ? RunnerState.empty(id) : s));
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

    /** Reads the task's own status stream after the state's cursor: the only place its statuses are trusted from. */
    private RunnerState readOwnStream(RunnerState state) {
        String taskId = state.taskId();
        RunnerState current = state;
        try {
            for (;;) {
                List<StreamMessage<String, String>> page = commandConnection.sync().xrange(StreamKeys.status(taskId),
                        Range.create(current.cursor(), "+"), Limit.from(PAGE + 1));
                int fresh = 0;
                for (StreamMessage<String, String> m : page) {
                    if (m.getId().equals(current.cursor())) {
                        continue;
                    }
                    fresh++;
                    Optional<StatusEntry> entry = codec.decodeOwnStatus(taskId, m.getId(), m.getBody());
                    current = entry.isPresent() ? current.with(entry.get()) : current.skipped(m.getId());
                }
                if (fresh < PAGE) {
                    return current;
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not read {}: {}", StreamKeys.status(taskId), e.getMessage());
            return current;
        }
    }

    private void readLoop() {
        RedisCommands<String, String> redisSync = blockingConnection.sync();
        Consumer<String> consumer = Consumer.from(GROUP, consumerName);
        Instant nextPendingScan = Instant.EPOCH;
        Instant nextSweep = Instant.now().plus(SWEEP); // the primary cache fills after start
        while (reading) {
            try {
                if (Instant.now().isAfter(nextSweep)) {
                    credentials.sweep(primaries);
                    nextSweep = Instant.now().plus(SWEEP);
                }
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
            Optional<String> hinted = codec.decodeHint(m.getBody());
            if (hinted.isEmpty()) {
                log.warn("ignoring malformed hint {} in {}", m.getId(), StreamKeys.GLOBAL_STATUS);
                commandConnection.sync().xack(StreamKeys.GLOBAL_STATUS, GROUP, m.getId());
                continue;
            }
            String taskId = hinted.get();
            List<WaldiezTask> tasks = primaries.byIndex(TASK_ID_INDEX, taskId);
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
            RunnerState before = states.get(taskId);
            if (replay && before != null && before.unacked().contains(m.getId())) {
                continue; // already handed over, the reconciler has not recorded it yet
            }
            states.compute(taskId, (id, s) -> readOwnStream(s == null ? RunnerState.empty(id) : s).withHint(m.getId()));
            for (WaldiezTask task : tasks) {
                try (TaskLog ignored = TaskLog.open(task)) {
                    log.debug("runner hint {} ({})", m.getBody().get("status"), m.getId());
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
