package io.waldiez.runner.operator.decision;

/**
 * What the task's newest pod tells.
 *
 * @param exists          a pod of the Job is in the informer cache
 * @param started         the runner container is or was running (pod phase Running, Succeeded or Failed)
 * @param waitingReason   the container's waiting reason (ImagePullBackOff, ErrImagePull, ContainerCreating…) or
 *                        Unschedulable from the PodScheduled condition, else null
 * @param waitingMessage  its message
 * @param exitCode        the terminated container's exit code, or null
 * @param terminatedReason the terminated state's reason (OOMKilled, Error, Completed…), or null
 * @param evicted         pod status.reason is Evicted
 */
public record PodFacts(boolean exists, boolean started, String waitingReason, String waitingMessage, Integer exitCode,
                       String terminatedReason, boolean evicted) {

    public static final PodFacts NONE = new PodFacts(false, false, null, null, null, null, false);

    public static PodFacts running() {
        return new PodFacts(true, true, null, null, null, null, false);
    }

    public static PodFacts waiting(String reason, String message) {
        return new PodFacts(true, false, reason, message, null, null, false);
    }

    public static PodFacts terminated(int exitCode, String reason) {
        return new PodFacts(true, true, null, null, exitCode, reason, false);
    }
}
