package io.waldiez.runner.server.tasks;

import io.waldiez.runner.server.common.ValidationError;
import java.util.Optional;

/**
 * Delivers a user's answer to a waiting task: validates it against the task's pending input
 * request and writes it to {@code task:<id>:input_response}. Used by REST and by WebSocket input.
 */
public interface TaskInputs {

    /** Outcome of {@link #submit}. */
    enum Result {
        ACCEPTED,
        /** The task is not waiting for input, or {@code requestId} is not the pending one. */
        NOT_PENDING,
        /** No such task for this owner. */
        NOT_FOUND
    }

    /**
     * The rules every answer follows, over REST and WebSocket alike: a {@code request_id} of 1 to 128
     * characters and {@code data} of at most {@code waldiez.tasks.max-input-size} UTF-8 bytes.
     *
     * @return what is wrong ({@code loc} names the field), or empty for an acceptable answer
     */
    Optional<ValidationError> check(String requestId, String data);

    /** Delivers an answer; one that fails {@link #check} is refused with an IllegalArgumentException. */
    Result submit(String taskId, String ownerId, String requestId, String data, String source);
}
