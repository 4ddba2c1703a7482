package io.waldiez.runner.protocol;

/** A {@code kind=control} entry a supervisor writes to {@code task:<id>:status} (docs/protocol.md §4.2). */
public record ControlEntry(String taskId, String action, String reason) {
    public static final String CANCEL = "cancel";
    /** The environment a run asked for is ready (§4.4). */
    public static final String PACKAGES_READY = "packages-ready";
    /** It could not be built; {@code reason} says why (pip's error, summarised, without secrets). */
    public static final String PACKAGES_FAILED = "packages-failed";

    public static ControlEntry cancel(String taskId, String reason) {
        return new ControlEntry(taskId, CANCEL, reason);
    }

    public static ControlEntry packagesReady(String taskId) {
        return new ControlEntry(taskId, PACKAGES_READY, "");
    }

    public static ControlEntry packagesFailed(String taskId, String reason) {
        return new ControlEntry(taskId, PACKAGES_FAILED, reason);
    }
}
