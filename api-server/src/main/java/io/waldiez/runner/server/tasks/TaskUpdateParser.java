package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PATCH/PUT body (spec §4.7): keys present are written (an explicit null writes null, except
 * {@code status}, where null means "unchanged" so the Python client's PUT with every key works);
 * unknown keys such as {@code input_timeout} are ignored. Bad values → 422 lists.
 */
final class TaskUpdateParser {

    private TaskUpdateParser() {
    }

    static TaskService.TaskUpdate parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new RequestValidationException(new ValidationError("model_attributes_type", List.of("body"),
                    "Input should be a valid dictionary or object", null));
        }
        TaskStatus status = null;
        JsonNode s = body.get("status");
        if (s != null && !s.isNull()) {
            status = Arrays.stream(TaskStatus.values()).filter(v -> s.isTextual() && v.name().equals(s.asText()))
                    .findFirst().orElseThrow(() -> new RequestValidationException(ValidationError.body("status", "enum",
                            "Input should be 'PENDING', 'RUNNING', 'COMPLETED', 'CANCELLED', 'FAILED' or 'WAITING_FOR_INPUT'",
                            s.isTextual() ? s.asText() : s.toString())));
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        if (body.has("results")) {
            JsonNode r = body.get("results");
            boolean ok = r.isNull() || r.isObject() || (r.isArray() && allObjects(r));
            if (!ok) {
                throw new RequestValidationException(ValidationError.body("results", "type_error",
                        "Input should be an object, a list of objects or null", r.toString()));
            }
            columns.put("results", r.isNull() ? null : r);
        }
        JsonNode type = body.get("schedule_type");
        if (type != null && !type.isNull()) {
            if (!type.isTextual() || !List.of("once", "cron").contains(type.asText())) {
                throw new RequestValidationException(ValidationError.body("schedule_type", "enum",
                        "Input should be 'once' or 'cron'", type.toString()));
            }
            throw FlowValidator.bad("Scheduled tasks are not supported by this server");
        }
        if (body.has("schedule_type")) {
            columns.put("schedule_type", null);
        }
        JsonNode cron = body.get("cron_expression");
        if (cron != null && !cron.isNull()) {
            throw new RequestValidationException(new ValidationError("value_error", List.of("body"),
                    "cron_expression is not allowed unless schedule_type is 'cron'", null));
        }
        if (body.has("cron_expression")) {
            columns.put("cron_expression", null);
        }
        JsonNode when = body.get("scheduled_time");
        if (when != null && !when.isNull()) {
            throw new RequestValidationException(new ValidationError("value_error", List.of("body"),
                    "scheduled_time is not allowed unless schedule_type is 'once'", null));
        }
        if (body.has("scheduled_time")) {
            columns.put("scheduled_time", null);
        }
        if (body.has("expires_at")) {
            JsonNode e = body.get("expires_at");
            columns.put("expires_at", e.isNull() ? null : instant(e));
        }
        return new TaskService.TaskUpdate(status, columns);
    }

    private static boolean allObjects(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject()) {
                return false;
            }
        }
        return true;
    }

    private static Instant instant(JsonNode n) {
        try {
            if (n.isTextual()) {
                return OffsetDateTime.parse(n.asText()).toInstant();
            }
        } catch (DateTimeParseException e) {
            // below
        }
        throw new RequestValidationException(ValidationError.body("expires_at", "datetime_parsing",
                "Input should be a valid datetime with a time zone", n.toString()));
    }
}
