package io.waldiez.runner.server.streaming;

import io.waldiez.runner.server.tasks.TaskSnapshot;
import java.nio.charset.StandardCharsets;

/**
 * One outgoing message, built once and shared by every connection of a task.
 *
 * @param kind what it is
 * @param id stream id (output entries only, else null): the SSE {@code id:} and the resume cursor
 * @param event the frame's {@code type} (SSE {@code event:})
 * @param json the WebSocket text / SSE data (single-line JSON)
 * @param task the snapshot a status frame was built from (status frames only)
 * @param requestId the {@code request_id} of input_request / input_response entries, else null
 */
record Frame(Kind kind, String id, String event, String json, TaskSnapshot task, String requestId) {

    enum Kind { OUTPUT, STATUS, ERROR, HEARTBEAT }

    static final Frame HEARTBEAT = new Frame(Kind.HEARTBEAT, null, null, "", null, null);

    /** Approximate memory cost, for the per-connection byte budget. */
    long cost() {
        return json.length() + 64L;
    }

    boolean isFinalStatus() {
        return kind == Kind.STATUS && task.status().isFinal();
    }

    /** The server-sent event: {@code id:} (output only), {@code event:}, {@code data:}. */
    byte[] sse() {
        if (kind == Kind.HEARTBEAT) {
            return ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(json.length() + 64);
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        // json is compact Jackson output: no raw newlines, so one data line suffices.
        sb.append("event: ").append(event).append('\n').append("data: ").append(json).append("\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
