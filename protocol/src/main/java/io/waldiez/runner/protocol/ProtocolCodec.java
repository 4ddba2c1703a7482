package io.waldiez.runner.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes protocol records to the flat string maps that go into XADD, and decodes what XREAD
 * returns. Decoding never throws: a malformed entry yields {@link Optional#empty()} so that a
 * reader can log it and move on.
 */
public final class ProtocolCodec {

    private final ObjectMapper json;

    public ProtocolCodec(ObjectMapper json) {
        this.json = json;
    }

    public ProtocolCodec() {
        this(new ObjectMapper());
    }

    public Map<String, String> encodeControl(ControlEntry control) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "control");
        m.put("task_id", control.taskId());
        m.put("action", control.action());
        m.put("reason", control.reason() == null ? "" : control.reason());
        m.put("timestamp", Timestamps.nowString());
        return m;
    }

    public Map<String, String> encodeAnswer(InputAnswer answer) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("request_id", answer.requestId());
        m.put("data", answer.data() == null ? "" : answer.data());
        m.put("timestamp", Timestamps.nowString());
        if (answer.source() != null) {
            m.put("source", answer.source());
        }
        return m;
    }

    /** Encodes a status entry as a runner would write it (used by tests and by a Java runner). */
    public Map<String, String> encodeStatus(String taskId, RunnerStatus status, JsonNode data) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "status");
        m.put("task_id", taskId);
        m.put("status", status.name());
        m.put("timestamp", Timestamps.nowString());
        try {
            m.put("data", json.writeValueAsString(data == null ? NullNode.getInstance() : data));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("status data is not serializable", e);
        }
        return m;
    }

    /** Decodes a status entry; empty for control entries and for anything malformed. */
    public Optional<StatusEntry> decodeStatus(String streamId, Map<String, String> fields) {
        if (fields == null || !"status".equals(fields.get("kind"))) {
            return Optional.empty();
        }
        RunnerStatus status = RunnerStatus.parse(fields.get("status"));
        String taskId = fields.get("task_id");
        if (status == null || taskId == null || taskId.isEmpty()) {
            return Optional.empty();
        }
        JsonNode data = NullNode.getInstance();
        String raw = fields.get("data");
        if (raw != null && !raw.isEmpty()) {
            try {
                data = json.readTree(raw);
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new StatusEntry(streamId, taskId, status, data, parseLong(fields.get("timestamp"))));
    }

    /**
     * Decodes an entry of {@code task:<taskId>:status}: a status of that task, or empty. The stream
     * is the authority (only that task's run and the supervisors can write it), so an entry naming
     * another task is malformed, whatever it claims.
     */
    public Optional<StatusEntry> decodeOwnStatus(String taskId, String streamId, Map<String, String> fields) {
        return decodeStatus(streamId, fields).filter(s -> s.taskId().equals(taskId));
    }

    /**
     * The task a hint in the global {@code task-status} stream points at, if it names a valid one.
     * Nothing else of a hint is trusted: any run may write any hint.
     */
    public Optional<String> decodeHint(Map<String, String> fields) {
        String taskId = fields == null ? null : fields.get("task_id");
        return StreamKeys.isValidTaskId(taskId) ? Optional.of(taskId) : Optional.empty();
    }

    /** Decodes a control entry; empty for status entries and for anything malformed. */
    public Optional<ControlEntry> decodeControl(Map<String, String> fields) {
        if (fields == null || !"control".equals(fields.get("kind"))) {
            return Optional.empty();
        }
        String taskId = fields.get("task_id");
        String action = fields.get("action");
        if (taskId == null || action == null) {
            return Optional.empty();
        }
        return Optional.of(new ControlEntry(taskId, action, fields.get("reason")));
    }

    public OutputEntry decodeOutput(String streamId, Map<String, String> fields) {
        return new OutputEntry(streamId, fields);
    }

    public ObjectMapper json() {
        return json;
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0L;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0L;
        }
    }
}
