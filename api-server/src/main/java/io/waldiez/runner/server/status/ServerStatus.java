package io.waldiez.runner.server.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.waldiez.runner.server.launch.RunContainment;

/**
 * Body of {@code GET /status} (spec §4.1); percentages are whole numbers sent as JSON floats.
 * {@code containment} is an addition: how local runs are contained (absent in Kubernetes mode).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerStatus(
        boolean healthy,
        long activeTasks,
        long pendingTasks,
        int maxCapacity,
        Integer cpuCount,
        double cpuPercent,
        long totalMemory,
        long usedMemory,
        double memoryPercent,
        RunContainment.Report containment) {}
