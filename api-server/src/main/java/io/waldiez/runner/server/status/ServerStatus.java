package io.waldiez.runner.server.status;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Body of {@code GET /status} (spec §4.1); percentages are whole numbers sent as JSON floats. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ServerStatus(
        boolean healthy,
        long activeTasks,
        long pendingTasks,
        int maxCapacity,
        Integer cpuCount,
        double cpuPercent,
        long totalMemory,
        long usedMemory,
        double memoryPercent) {}
