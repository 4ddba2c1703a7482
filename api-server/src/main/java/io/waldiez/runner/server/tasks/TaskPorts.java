package io.waldiez.runner.server.tasks;

import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.protocol.InputAnswer;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.common.TaskCounts;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.common.ValidationError;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/** {@link TaskAccess}, {@link TaskInputs} and {@link TaskCounts} over the tasks table and Redis. */
@Component
public class TaskPorts implements TaskAccess, TaskInputs, TaskCounts {

    private static final Logger log = LoggerFactory.getLogger(TaskPorts.class);
    static final int MAX_REQUEST_ID = 128;

    private final TaskRepository repository;
    private final StatefulRedisConnection<String, String> redis;
    private final ProtocolCodec codec;
    private final long maxInputBytes;

    public TaskPorts(TaskRepository repository, StatefulRedisConnection<String, String> redis, ObjectMapper json,
            TasksProperties props) {
        this.repository = repository;
        this.redis = redis;
        this.codec = new ProtocolCodec(json);
        this.maxInputBytes = props.maxInputSize().toBytes();
    }

    @Override
    public Optional<ValidationError> check(String requestId, String data) {
        if (requestId == null || requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID) {
            return Optional.of(ValidationError.body("request_id", "string_length",
                    "request_id must have 1 to " + MAX_REQUEST_ID + " characters", null));
        }
        // UTF-8 is at most 3 bytes per char: count bytes only when the length alone cannot decide.
        if (data != null && (long) data.length() * 3 > maxInputBytes
                && data.getBytes(StandardCharsets.UTF_8).length > maxInputBytes) {
            return Optional.of(ValidationError.body("data", "string_too_long",
                    "data must be at most " + maxInputBytes + " bytes (UTF-8)", null));
        }
        return Optional.empty();
    }

    @Override
    public Optional<TaskSnapshot> findForOwner(String taskId, AuthenticatedClient caller) {
        if (caller == null || !StreamKeys.isValidTaskId(taskId)) {
            return Optional.empty();
        }
        return repository.find(taskId).filter(t -> t.clientId().equals(caller.id())).map(TaskRecord::snapshot);
    }

    @Override
    public Result submit(String taskId, String ownerId, String requestId, String data, String source) {
        check(requestId, data).ifPresent(problem -> {
            throw new IllegalArgumentException(problem.msg());
        });
        if (!StreamKeys.isValidTaskId(taskId)) {
            return Result.NOT_FOUND;
        }
        Optional<TaskRecord> task = repository.find(taskId).filter(t -> t.clientId().equals(ownerId));
        if (task.isEmpty()) {
            return Result.NOT_FOUND;
        }
        TaskRecord t = task.get();
        if (t.status() != TaskStatus.WAITING_FOR_INPUT || requestId == null || !requestId.equals(t.inputRequestId())) {
            return Result.NOT_PENDING;
        }
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            redis.sync().xadd(StreamKeys.inputResponse(taskId),
                    codec.encodeAnswer(new InputAnswer(requestId, data == null ? "" : data, source)));
            log.info("input answer for request {} delivered ({})", requestId, source);
        }
        return Result.ACCEPTED;
    }

    @Override
    public long active() {
        return repository.count(new TaskRepository.Filter(null, null, null, true));
    }

    @Override
    public long pending() {
        return repository.count(new TaskRepository.Filter(null, TaskStatus.PENDING, null, null));
    }
}
