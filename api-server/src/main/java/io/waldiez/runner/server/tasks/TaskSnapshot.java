package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the streaming side needs to know about a task at one moment: written by the tasks
 * package, read by WebSocket/SSE handlers for the first {@code status} frame and for every
 * transition.
 *
 * @param id task id
 * @param clientId internal id of the owning client
 * @param status current status
 * @param inputRequestId the pending input request while WAITING_FOR_INPUT, else null
 * @param results results (null unless final)
 * @param createdAt creation time
 * @param updatedAt time of the last change
 * @param archived true once the transcript is in PostgreSQL (history must then come from there)
 */
public record TaskSnapshot(
        String id,
        String clientId,
        TaskStatus status,
        String inputRequestId,
        JsonNode results,
        Instant createdAt,
        Instant updatedAt,
        boolean archived) {
}
