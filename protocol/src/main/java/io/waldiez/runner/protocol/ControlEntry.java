package io.waldiez.runner.protocol;

/** A {@code kind=control} entry a supervisor writes to {@code task:<id>:status} (docs/protocol.md §4.2). */
public record ControlEntry(String taskId, String action, String reason) {
    public static final String CANCEL = "cancel";

    public static ControlEntry cancel(String taskId, String reason) {
        return new ControlEntry(taskId, CANCEL, reason);
    }
}
