package io.waldiez.runner.operator.decision;

import io.waldiez.runner.crd.TaskPhase;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the reconciler should do and record.
 *
 * @param phase       the phase to record
 * @param reason      status.reason
 * @param message     status.message (never secrets)
 * @param actions     side effects, in the order of {@link Action}
 * @param recheckAfter when to look again without an event (deadlines, grace periods, TTL), or null
 * @param pendingInputRequestId the input request being waited for, or null
 * @param refusal     why the API server refused the Job, when it did (the JobCreated condition), or null
 */
public record Decision(TaskPhase phase, String reason, String message, Set<Action> actions, Duration recheckAfter,
                       String pendingInputRequestId, JobRefusal refusal) {

    public enum Action {
        /** Create the flow ConfigMap (inline flows) and the Job. */
        CREATE_JOB,
        /** Write the cancel control entry to task:&lt;id&gt;:status. */
        SEND_CANCEL,
        /** Delete the Job (and so its pod). */
        DELETE_JOB,
        /** Delete the WaldiezTask (TTL); owner references remove the Job and ConfigMap. */
        DELETE_TASK
    }

    public Decision {
        actions = actions.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(actions);
    }

    public static Decision of(TaskPhase phase, String reason, String message) {
        return new Decision(phase, reason, message, Set.of(), null, null, null);
    }

    public Decision with(Action... more) {
        Set<Action> all = EnumSet.noneOf(Action.class);
        all.addAll(actions);
        all.addAll(Set.of(more));
        return new Decision(phase, reason, message, all, recheckAfter, pendingInputRequestId, refusal);
    }

    public Decision recheckAfter(Duration after) {
        Duration d = after == null || after.isNegative() ? Duration.ZERO : after;
        // a minimum keeps a clock skew from spinning the reconcile loop
        Duration bounded = d.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : d;
        return new Decision(phase, reason, message, actions, bounded, pendingInputRequestId, refusal);
    }

    public Decision waitingFor(String requestId) {
        return new Decision(phase, reason, message, actions, recheckAfter, requestId, refusal);
    }

    public Decision refusedBecause(JobRefusal why) {
        return new Decision(phase, reason, message, actions, recheckAfter, pendingInputRequestId, why);
    }

    public boolean has(Action action) {
        return actions.contains(action);
    }
}
