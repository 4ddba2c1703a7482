package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/** JSON shapes of the tasks API (spec §5.1, §5.3), snake_case like the original. */
public final class TaskDtos {

    private TaskDtos() {
    }

    /**
     * The original's TaskResponse keys in its order, plus (superset) {@code status_reason},
     * {@code started_at} and {@code finished_at}. Never carries env vars.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"schedule_type", "scheduled_time", "cron_expression", "expires_at", "id", "created_at",
        "updated_at", "client_id", "flow_id", "filename", "status", "input_timeout", "input_request_id", "results",
        "triggered_at", "status_reason", "started_at", "finished_at"})
    public record TaskResponse(
            String scheduleType, Instant scheduledTime, String cronExpression, Instant expiresAt,
            String id, Instant createdAt, Instant updatedAt, String clientId, String flowId, String filename,
            TaskStatus status, int inputTimeout, String inputRequestId, JsonNode results, Instant triggeredAt,
            String statusReason, Instant startedAt, Instant finishedAt) {

        public static TaskResponse of(TaskRecord t) {
            return new TaskResponse(t.scheduleType(), t.scheduledTime(), t.cronExpression(), t.expiresAt(), t.id(),
                    t.createdAt(), t.updatedAt(), t.clientId(), t.flowId(), t.filename(), t.status(),
                    t.inputTimeout(), t.inputRequestId(), t.results(), t.triggeredAt(), t.statusReason(),
                    t.startedAt(), t.finishedAt());
        }

        /** Lists show {@code results: null} (spec §4.2). */
        public static TaskResponse inList(TaskRecord t) {
            TaskResponse r = of(t);
            return new TaskResponse(r.scheduleType, r.scheduledTime, r.cronExpression, r.expiresAt, r.id, r.createdAt,
                    r.updatedAt, r.clientId, r.flowId, r.filename, r.status, r.inputTimeout, r.inputRequestId, null,
                    r.triggeredAt, r.statusReason, r.startedAt, r.finishedAt);
        }
    }

    public record TaskCountResponse(long count) {
    }

    /** Body of {@code POST /tasks/{id}/input}: both strings required. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InputRequest(@NotNull String requestId, @NotNull String data) {
    }
}
