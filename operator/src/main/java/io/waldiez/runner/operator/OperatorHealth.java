package io.waldiez.runner.operator;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code operator}: DOWN when an informer or the Redis status reader is
 * unhealthy, so the liveness probe restarts an operator that silently stopped seeing changes.
 */
public class OperatorHealth implements HealthIndicator {

    private final JosdkOverrides.WaldiezOperator operator;

    public OperatorHealth(JosdkOverrides.WaldiezOperator operator) {
        this.operator = operator;
    }

    @Override
    public Health health() {
        var info = operator.runtimeInfo();
        if (!info.isStarted()) {
            return Health.up().withDetail("started", false).build(); // starting, or waiting for the Lease
        }
        if (info.allEventSourcesAreHealthy()) {
            return Health.up().withDetail("started", true).build();
        }
        return Health.down().withDetail("unhealthyEventSources", info.unhealthyEventSources().toString()).build();
    }
}
