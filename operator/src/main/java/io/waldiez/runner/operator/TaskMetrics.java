package io.waldiez.runner.operator;

import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gauge {@code waldiez.tasks} (Prometheus {@code waldiez_tasks}) by {@code phase}, counted from the
 * operator's informer cache, so it is exact and needs no bookkeeping on deletes. Tasks without a
 * status yet count as Pending.
 */
public class TaskMetrics {

    public static final String TASKS = "waldiez.tasks";
    private final AtomicReference<ResourceCache<WaldiezTask>> cache = new AtomicReference<>();

    public TaskMetrics(MeterRegistry registry) {
        for (TaskPhase phase : TaskPhase.values()) {
            Gauge.builder(TASKS, this, m -> m.count(phase))
                    .description("WaldiezTasks known to the operator, by phase")
                    .tag("phase", phase.name())
                    .register(registry);
        }
    }

    void bind(ResourceCache<WaldiezTask> tasks) {
        cache.set(tasks);
    }

    double count(TaskPhase phase) {
        ResourceCache<WaldiezTask> tasks = cache.get();
        if (tasks == null) {
            return 0;
        }
        return tasks.list().filter(t -> phaseOf(t) == phase).count();
    }

    private static TaskPhase phaseOf(WaldiezTask t) {
        return t.getStatus() == null || t.getStatus().getPhase() == null ? TaskPhase.Pending : t.getStatus().getPhase();
    }
}
