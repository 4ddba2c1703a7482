package io.waldiez.runner.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code task:<id>:output}: its stream id plus its flat string fields
 * ({@code type}, {@code data}, {@code task_id}, {@code timestamp}, and {@code request_id} /
 * {@code password} for input entries). Fields are kept as written so clients see the original's
 * shapes unchanged.
 */
public record OutputEntry(String id, Map<String, String> fields) {

    public static final String TYPE_PRINT = "print";
    public static final String TYPE_INPUT_REQUEST = "input_request";
    public static final String TYPE_INPUT_RESPONSE = "input_response";

    public OutputEntry {
        fields = Map.copyOf(fields);
    }

    public String type() {
        return fields.get("type");
    }

    public String data() {
        return fields.get("data");
    }

    public String requestId() {
        return fields.get("request_id");
    }

    /** The fields in the original's order, plus {@code id}: what a WebSocket client receives. */
    public Map<String, String> withId() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : new String[] {"type", "request_id", "data", "password", "task_id", "timestamp"}) {
            if (fields.containsKey(k)) {
                out.put(k, fields.get(k));
            }
        }
        fields.forEach(out::putIfAbsent);
        out.put("id", id);
        return out;
    }
}
