package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.operator.decision.Decision;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the new status from a decision and records it (status subresource patch, cached for
 * the next reconcile), with conditions, observedGeneration and an Event on phase changes. A
 * terminal phase is never replaced.
 */
public class StatusRecorder {

    public static final String CONDITION_RUNNING = "Running";
    public static final String CONDITION_SUCCEEDED = "Succeeded";
    public static final String CONDITION_CANCEL_REQUESTED = "CancelRequested";
    /** Present once the API server refused the Job: False with the API's reason, True once the Job exists. */
    public static final String CONDITION_JOB_CREATED = "JobCreated";
    private static final Logger log = LoggerFactory.getLogger(StatusRecorder.class);

    private final TaskEvents events;
    private final Clock clock;

    public StatusRecorder(TaskEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * @return true if the status was patched
     */
    public boolean record(WaldiezTask task, Context<WaldiezTask> context, Decision decision, String taskId,
                          String jobName, boolean cancelSent) {
        WaldiezTaskStatus old = task.getStatus() == null ? new WaldiezTaskStatus() : task.getStatus();
        WaldiezTaskStatus next = next(old, decision, taskId, jobName, cancelSent, task.getMetadata().getGeneration());
        if (next.equals(old)) {
            return false;
        }
        PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(task, context, t -> {
            t.setStatus(next);
            return t;
        });
        boolean newRefusal = decision.refusal() != null && !Objects.equals(messageOf(find(old, CONDITION_JOB_CREATED), "False"),
                decision.refusal().message());
        if (old.getPhase() != next.getPhase() || newRefusal) {
            log.info("phase {} -> {} ({}: {})", old.getPhase(), next.getPhase(), next.getReason(), next.getMessage());
            events.transition(task, old.getPhase(), next.getPhase(), next.getReason(), next.getMessage());
        }
        return true;
    }

    WaldiezTaskStatus next(WaldiezTaskStatus old, Decision d, String taskId, String jobName, boolean cancelSent,
                           Long generation) {
        WaldiezTaskStatus s = old.copy();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        s.setTaskId(taskId);
        s.setObservedGeneration(generation);
        if (jobName != null) {
            s.setJobName(jobName);
        }
        boolean terminalBefore = old.getPhase() != null && old.getPhase().isTerminal();
        if (!terminalBefore) {
            s.setPhase(d.phase());
            s.setReason(d.reason());
            s.setMessage(d.message());
            s.setPendingInputRequestId(d.phase() == TaskPhase.WaitingForInput ? d.pendingInputRequestId() : null);
            if (s.getStartTime() == null && (d.phase() == TaskPhase.Running || d.phase() == TaskPhase.WaitingForInput)) {
                s.setStartTime(now);
            }
            if (d.phase().isTerminal()) {
                s.setCompletionTime(now);
                s.setPendingInputRequestId(null);
            }
        }
        TaskPhase phase = s.getPhase();
        List<Condition> conditions = new ArrayList<>();
        boolean running = phase == TaskPhase.Running || phase == TaskPhase.WaitingForInput;
        conditions.add(condition(old, CONDITION_RUNNING, running ? "True" : "False", s.getReason(), s.getMessage(),
                generation, now));
        String succeeded = phase == TaskPhase.Succeeded ? "True" : phase != null && phase.isTerminal() ? "False" : "Unknown";
        conditions.add(condition(old, CONDITION_SUCCEEDED, succeeded, s.getReason(), s.getMessage(), generation, now));
        Condition cancel = find(old, CONDITION_CANCEL_REQUESTED);
        if (cancel != null) {
            conditions.add(cancel);
        } else if (cancelSent) {
            conditions.add(new ConditionBuilder().withType(CONDITION_CANCEL_REQUESTED).withStatus("True")
                    .withReason("CancelSent").withMessage("the runner was told to stop")
                    // millisecond precision: the cancel grace period is measured from it
                    .withObservedGeneration(generation)
                    .withLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString()).build());
        }
        Condition jobCreated = find(old, CONDITION_JOB_CREATED);
        if (d.refusal() != null) {
            conditions.add(condition(old, CONDITION_JOB_CREATED, "False", d.refusal().apiReason(), d.refusal().message(),
                    generation, now));
        } else if (jobCreated != null && s.getJobName() != null) {
            conditions.add(condition(old, CONDITION_JOB_CREATED, "True", "Created", "the Job was created", generation, now));
        } else if (jobCreated != null) {
            conditions.add(jobCreated);
        }
        s.setConditions(conditions);
        return s;
    }

    /** When the API server first refused the Job (JobCreated=False), or null. */
    public static Instant jobRefusedSince(WaldiezTaskStatus status) {
        Condition c = status == null ? null : find(status, CONDITION_JOB_CREATED);
        return c == null || !"False".equals(c.getStatus()) || c.getLastTransitionTime() == null ? null
                : Instant.parse(c.getLastTransitionTime());
    }

    private static String messageOf(Condition c, String status) {
        return c == null || !status.equals(c.getStatus()) ? null : c.getMessage();
    }

    /** When the cancel control entry was sent, from the CancelRequested condition. */
    public static Instant cancelSentAt(WaldiezTaskStatus status) {
        Condition c = status == null ? null : find(status, CONDITION_CANCEL_REQUESTED);
        return c == null || c.getLastTransitionTime() == null ? null : Instant.parse(c.getLastTransitionTime());
    }

    private static Condition condition(WaldiezTaskStatus old, String type, String status, String reason, String message,
                                       Long generation, String now) {
        Condition previous = find(old, type);
        // lastTransitionTime moves only when the condition's status does
        String since = previous != null && Objects.equals(previous.getStatus(), status) && previous.getLastTransitionTime() != null
                ? previous.getLastTransitionTime() : now;
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason == null ? "Unknown" : reason)
                .withMessage(message == null ? "" : message).withObservedGeneration(generation)
                .withLastTransitionTime(since).build();
    }

    private static Condition find(WaldiezTaskStatus status, String type) {
        if (status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
