package io.waldiez.runner.server.tasks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code waldiez.tasks.*}.
 *
 * @param maxJobs per-client cap on active tasks (≤0: unlimited); also {@code /status} max_capacity
 * @param maxDuration longest a run may take before it is stopped and FAILED (zero or negative: no limit)
 * @param maxFileSize largest accepted flow file (the original's 5 MiB)
 * @param defaultInputTimeout seconds per input request when the request gives none
 * @param maxInputTimeout largest accepted input_timeout
 * @param maxInputSize largest answer to an input request ({@code data}, UTF-8 bytes), REST and WebSocket
 *     alike; the WebSocket frame limit ({@code waldiez.streaming.max-frame-size}) must leave room for it
 */
@ConfigurationProperties("waldiez.tasks")
public record TasksProperties(
        @DefaultValue("5") int maxJobs,
        @DefaultValue("1h") Duration maxDuration,
        @DefaultValue("5MB") DataSize maxFileSize,
        @DefaultValue("180") int defaultInputTimeout,
        @DefaultValue("86400") int maxInputTimeout,
        @DefaultValue("512KB") DataSize maxInputSize) {
}
