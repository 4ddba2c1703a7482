package io.waldiez.runner.crd;

/** Coarse phase of a WaldiezTask; Succeeded, Failed and Cancelled are terminal and never change. */
public enum TaskPhase {
    Pending,
    Queued,
    Running,
    WaitingForInput,
    Succeeded,
    Failed,
    Cancelled;

    public boolean isTerminal() {
        return this == Succeeded || this == Failed || this == Cancelled;
    }
}
