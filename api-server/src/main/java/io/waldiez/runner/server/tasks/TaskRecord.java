package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One row of {@code tasks} (spec §7.1 plus the supervisor's columns). */
public record TaskRecord(
        String id,
        String clientId,
        String flowId,
        String filename,
        int inputTimeout,
        String inputRequestId,
        TaskStatus status,
        JsonNode results,
        String statusReason,
        String scheduleType,
        Instant scheduledTime,
        String cronExpression,
        Instant triggeredAt,
        Instant expiresAt,
        String launcher,
        Instant startedAt,
        Instant finishedAt,
        Instant archivedAt,
        Instant createdAt,
        Instant updatedAt,
        Instant deletedAt) {

    public TaskSnapshot snapshot() {
        return new TaskSnapshot(id, clientId, status, inputRequestId, status.isFinal() ? results : null,
                createdAt, updatedAt, archivedAt != null);
    }
}
