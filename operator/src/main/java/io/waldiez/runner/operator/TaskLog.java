package io.waldiez.runner.operator;

import io.waldiez.runner.crd.WaldiezTask;
import org.slf4j.MDC;

/**
 * The log context of one task (namespace, name, task id) on every log line about it, through
 * MDC; the logging pattern in application.yaml prints it.
 */
public final class TaskLog implements AutoCloseable {

    private TaskLog() {
    }

    public static TaskLog open(WaldiezTask task) {
        return open(task.getMetadata().getNamespace(), task.getMetadata().getName(), TaskIds.of(task));
    }

    public static TaskLog open(String namespace, String name, String taskId) {
        MDC.put("task.namespace", namespace);
        MDC.put("task.name", name);
        MDC.put("task.id", taskId);
        return new TaskLog();
    }

    @Override
    public void close() {
        MDC.remove("task.namespace");
        MDC.remove("task.name");
        MDC.remove("task.id");
    }
}
