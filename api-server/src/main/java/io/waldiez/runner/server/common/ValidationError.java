package io.waldiez.runner.server.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One item of a FastAPI-style 422 body: {@code {"detail": [{"type","loc","msg","input"}]}}.
 *
 * @param loc where the bad value was, e.g. {@code ["query", "size"]} or {@code ["body", "name"]}
 */
public record ValidationError(
        String type, List<Object> loc, String msg, @JsonInclude(JsonInclude.Include.NON_NULL) Object input) {

    public static ValidationError query(String name, String type, String msg, Object input) {
        return new ValidationError(type, List.of("query", name), msg, input);
    }

    public static ValidationError body(String name, String type, String msg, Object input) {
        return new ValidationError(type, List.of("body", name), msg, input);
    }

    public static ValidationError missing(String where, String name) {
        return new ValidationError("missing", List.of(where, name), "Field required", null);
    }
}
