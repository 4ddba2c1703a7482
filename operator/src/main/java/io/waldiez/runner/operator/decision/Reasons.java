package io.waldiez.runner.operator.decision;

import io.waldiez.runner.protocol.ExitCodes;

/** Values of WaldiezTask {@code status.reason}; docs/operator.md explains each to users. */
public final class Reasons {
    // non-terminal
    public static final String JOB_CREATED = "JobCreated";
    public static final String SUSPENDED = "Suspended";
    public static final String STARTED = "Started";
    public static final String INPUT_REQUESTED = "InputRequested";
    public static final String CANCELLING = "Cancelling";
    public static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
    public static final String ERR_IMAGE_PULL = "ErrImagePull";
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** The API server refused the Job (quota, admission, policy); terminal once the pending deadline passed. */
    public static final String JOB_REFUSED = "JobRefused";
    // terminal
    public static final String COMPLETED = "Completed";
    public static final String FLOW_FAILED = "FlowFailed";
    public static final String INVALID_FLOW = "InvalidFlow";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String INFRASTRUCTURE_ERROR = "InfrastructureError";
    public static final String RUNNER_CRASHED = "RunnerCrashed";
    public static final String OOM_KILLED = "OOMKilled";
    public static final String EVICTED = "Evicted";
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    public static final String PENDING_DEADLINE_EXCEEDED = "PendingDeadlineExceeded";
    public static final String JOB_FAILED = "JobFailed";
    public static final String JOB_DELETED = "JobDeleted";
    public static final String CANCELLED = "Cancelled";

    private Reasons() {
    }

    /** Reason of a failure the runner reported or exited with. */
    public static String forExitCode(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.FLOW_FAILED -> FLOW_FAILED;
            case ExitCodes.INVALID_FLOW -> INVALID_FLOW;
            case ExitCodes.CANCELLED -> CANCELLED;
            case ExitCodes.INFRASTRUCTURE -> INFRASTRUCTURE_ERROR;
            case 137 -> OOM_KILLED; // SIGKILL without an OOMKilled reason is reported by the caller when known
            default -> RUNNER_CRASHED;
        };
    }
}
