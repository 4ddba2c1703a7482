package io.waldiez.runner.server.tasks;

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

    Result submit(String taskId, String ownerId, String requestId, String data, String source);
}
