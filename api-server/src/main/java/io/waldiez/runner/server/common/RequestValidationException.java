package io.waldiez.runner.server.common;

import java.util.List;

/** Bad request input found by hand (enum-like query values etc.): rendered as 422 with a list detail. */
public class RequestValidationException extends RuntimeException {

    private final List<ValidationError> errors;

    public RequestValidationException(List<ValidationError> errors) {
        super(errors.isEmpty() ? "validation error" : errors.get(0).msg(), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public RequestValidationException(ValidationError error) {
        this(List.of(error));
    }

    public List<ValidationError> errors() {
        return errors;
    }

    /** 422 unless {@code value} (case-sensitive) is one of {@code allowed}; null passes. */
    public static void requireOneOf(String where, String name, String value, List<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            String options = String.join(", ", allowed.stream().map(a -> "'" + a + "'").toList());
            throw new RequestValidationException(new ValidationError(
                    "enum", List.of(where, name), "Input should be one of " + options, value));
        }
    }

    /** 422 if {@code value} contains a NUL character, which PostgreSQL text cannot store. */
    public static void requireNoNul(String where, String name, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new RequestValidationException(new ValidationError(
                    "string_pattern_mismatch", List.of(where, name), "String must not contain NUL characters", null));
        }
    }
}
