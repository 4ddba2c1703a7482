package io.waldiez.runner.server.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Prometheus meters of the task lifecycle: {@code waldiez_tasks{status}} (non-deleted tasks per
 * status), {@code waldiez_task_launches_total{launcher}}, {@code waldiez_task_run_duration_seconds{status}}.
 */
@Component
public class TaskMetrics {

    /** The gauge reads the database at most this often, whatever the scrape rate. */
    private static final long CACHE_NANOS = Duration.ofSeconds(5).toNanos();

    private final MeterRegistry registry;
    private final TaskRepository repository;
    private volatile Map<TaskStatus, Long> counts;
    private volatile long countsAt;

    public TaskMetrics(MeterRegistry registry, TaskRepository repository) {
        this.registry = registry;
        this.repository = repository;
        for (TaskStatus s : TaskStatus.values()) {
            Gauge.builder("waldiez.tasks", () -> count(s)).tag("status", s.name())
                    .description("Tasks (not deleted) by status").register(registry);
        }
    }

    private double count(TaskStatus status) {
        long now = System.nanoTime();
        Map<TaskStatus, Long> c = counts;
        if (c == null || now - countsAt > CACHE_NANOS) {
            try {
                c = repository.countByStatus();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            counts = c;
            countsAt = now;
        }
        return c.getOrDefault(status, 0L);
    }

    public void launched(String launcher) {
        Counter.builder("waldiez.task.launches").tag("launcher", launcher)
                .description("Runs handed to a launcher").register(registry).increment();
    }

    /** A local runner process started: {@code standby} (pre-started, imports done) or {@code cold}. */
    public void runnerStarted(String start) {
        Counter.builder("waldiez.launcher.runner.starts").tag("start", start)
                .description("Runner processes given a task, by how they started").register(registry).increment();
    }

    public void finished(TaskStatus status, Instant startedAt, Instant finishedAt) {
        if (startedAt == null || finishedAt == null) {
            return;
        }
        Timer.builder("waldiez.task.run.duration").tag("status", status.name())
                .description("From the start of a run to its final status").register(registry)
                .record(Duration.between(startedAt, finishedAt));
        counts = null;
    }
}
