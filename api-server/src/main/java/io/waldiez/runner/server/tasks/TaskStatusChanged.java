package io.waldiez.runner.server.tasks;

/**
 * Published (Spring {@code ApplicationEventPublisher}) after every committed status transition of
 * a task, including the final one, which is published only once the task's transcript is archived.
 * Streaming turns it into a {@code status} frame; at a final status it closes the streams.
 */
public record TaskStatusChanged(TaskSnapshot task) {
}
