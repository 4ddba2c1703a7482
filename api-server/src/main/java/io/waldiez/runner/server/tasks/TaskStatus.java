package io.waldiez.runner.server.tasks;

/** A task's status as the API shows it (the original's six values, spec §7.2). */
public enum TaskStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    CANCELLED,
    FAILED,
    WAITING_FOR_INPUT;

    /** PENDING, RUNNING and WAITING_FOR_INPUT are active; the rest are final and never change. */
    public boolean isActive() {
        return this == PENDING || this == RUNNING || this == WAITING_FOR_INPUT;
    }

    public boolean isFinal() {
        return !isActive();
    }
}
