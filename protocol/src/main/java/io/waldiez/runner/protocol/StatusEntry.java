package io.waldiez.runner.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A {@code kind=status} entry written by a runner (docs/protocol.md §4.1).
 *
 * @param streamId the entry's id in the stream it was read from (null when building one)
 * @param taskId   the task
 * @param status   the runner status
 * @param data     the parsed {@code data} field ({@link NullNode} when absent)
 * @param timestampMicros when the runner wrote it
 */
public record StatusEntry(String streamId, String taskId, RunnerStatus status, JsonNode data, long timestampMicros) {

    public StatusEntry {
        data = data == null ? NullNode.getInstance() : data;
    }

    /** For WAITING_FOR_INPUT: the pending request id, else null. */
    public String requestId() {
        JsonNode n = data.get("request_id");
        return n == null || n.isNull() ? null : n.asText();
    }

    /** For WAITING_FOR_INPUT: the prompt, else null. */
    public String prompt() {
        JsonNode n = data.get("prompt");
        return n == null || n.isNull() ? null : n.asText();
    }

    /** For COMPLETED: the results, else {@link NullNode}. */
    public JsonNode results() {
        JsonNode n = data.get("results");
        return n == null ? NullNode.getInstance() : n;
    }

    /** For FAILED and CANCELLED: the exit code the runner reported, or -1. */
    public int exitCode() {
        JsonNode n = data.get("exit_code");
        return n == null || !n.canConvertToInt() ? -1 : n.asInt();
    }

    /** A one-line human reason: the error for FAILED, the reason for CANCELLED, else null. */
    public String message() {
        JsonNode n = data.has("error") ? data.get("error") : data.get("reason");
        return n == null || n.isNull() ? null : n.asText();
    }
}
