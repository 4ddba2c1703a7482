package io.waldiez.runner.server.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.Timestamps;
import io.waldiez.runner.server.tasks.TaskSnapshot;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Builds the frames of spec §8.4 (status, stream entries) plus error replies. */
@Component
class StreamFrames {

    private static final DateTimeFormatter ISO_MS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper json;

    StreamFrames(ObjectMapper json) {
        this.json = json;
    }

    /** {@code {"type":"status","timestamp":<µs>,"data":{task_id,status,created_at,updated_at,results,input_request_id}}}. */
    Frame status(TaskSnapshot task) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "status");
        root.put("timestamp", Timestamps.nowMicros());
        ObjectNode data = root.putObject("data");
        data.put("task_id", task.id());
        data.put("status", task.status().name());
        data.put("created_at", iso(task.createdAt()));
        data.put("updated_at", iso(task.updatedAt()));
        data.set("results", task.results());
        data.put("input_request_id", task.inputRequestId());
        return new Frame(Frame.Kind.STATUS, null, "status", write(root), task, null);
    }

    /**
     * A stream entry as a flat object of its string fields plus {@code id}; {@code print} data that is
     * a JSON object or array is sent parsed, as the original does (ag2 events render as objects).
     */
    Frame output(OutputEntry entry) {
        ObjectNode root = json.createObjectNode();
        for (Map.Entry<String, String> f : entry.withId().entrySet()) {
            root.put(f.getKey(), f.getValue());
        }
        String data = entry.data();
        if (OutputEntry.TYPE_PRINT.equals(entry.type()) && looksStructured(data)) {
            try {
                JsonNode parsed = json.readTree(data);
                if (parsed != null && (parsed.isObject() || parsed.isArray())) {
                    root.set("data", parsed);
                }
            } catch (JsonProcessingException e) {
                // Not JSON after all: stays a string, as in the original.
            }
        }
        String type = entry.type() == null ? "message" : entry.type();
        return new Frame(Frame.Kind.OUTPUT, entry.id(), type, write(root), null, entry.requestId());
    }

    /**
     * {@code {"type":"error","error":...,"detail":...}}. With {@code error} = {@code Invalid input
     * payload} it is also the original's reply to a malformed input object.
     */
    Frame error(String error, String detail) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "error");
        root.put("error", error);
        root.put("detail", detail);
        return new Frame(Frame.Kind.ERROR, null, "error", write(root), null, null);
    }

    private static boolean looksStructured(String data) {
        if (data == null) {
            return false;
        }
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static String iso(Instant t) {
        return t == null ? null : ISO_MS.format(t);
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a frame", e);
        }
    }
}
