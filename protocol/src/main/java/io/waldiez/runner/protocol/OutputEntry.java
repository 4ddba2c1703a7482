package io.waldiez.runner.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

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

    /** The original's field order; fields it does not know follow, then {@code id}. */
    private static final List<String> CLIENT_ORDER =
            List.of("type", "request_id", "data", "password", "task_id", "timestamp");

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
        forEachWithId(out::put);
        return out;
    }

    /** {@link #withId()} without building the map: each field in the original's order, then {@code id}. */
    public void forEachWithId(BiConsumer<String, String> action) {
        for (String k : CLIENT_ORDER) {
            String v = fields.get(k);
            if (v != null) {
                action.accept(k, v);
            }
        }
        fields.forEach((k, v) -> {
            if (!CLIENT_ORDER.contains(k) && !"id".equals(k)) {
                action.accept(k, v);
            }
        });
        action.accept("id", id);
    }
}
