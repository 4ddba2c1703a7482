package io.waldiez.runner.operator.decision;

import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.protocol.StatusEntry;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything one reconcile observed about a task, as plain values, so that deciding is a pure
 * function ({@link TaskDecider}).
 *
 * @param now                   the reconcile's clock
 * @param phase                 recorded phase (null for a new task)
 * @param flowValid             exactly one flow source
 * @param cancelRequested       spec.cancelRequested
 * @param cancelSentAt          when the cancel control entry was written (CancelRequested condition), or null
 * @param jobEverCreated        status.jobName is recorded
 * @param job                   Job facts
 * @param pod                   newest pod facts
 * @param runnerLatest          newest runner status entry, or null
 * @param runnerFinal           the runner's final status entry, or null
 * @param completedAt           status.completionTime, or null
 * @param pendingDeadline       spec.pendingDeadlineSeconds (default applied)
 * @param activeDeadline        spec.activeDeadlineSeconds, or null
 * @param ttlAfterFinished      spec.ttlSecondsAfterFinished, or null (keep forever)
 * @param apiManaged            label waldiez.io/client-id present: the API server archives it
 * @param archived              annotation waldiez.io/archived=true
 * @param policy                operator settings that bound the decisions
 */
public record Observation(Instant now, TaskPhase phase, boolean flowValid, boolean cancelRequested, Instant cancelSentAt,
                          boolean jobEverCreated, JobFacts job, PodFacts pod, StatusEntry runnerLatest,
                          StatusEntry runnerFinal, Instant completedAt, Duration pendingDeadline, Duration activeDeadline,
                          Duration ttlAfterFinished, boolean apiManaged, boolean archived, Policy policy) {

    /**
     * @param cancelGrace  time between the cancel message and deleting the Job
     * @param maxTtl       upper bound of ttlSecondsAfterFinished
     * @param archiveWait  how long past its TTL an API-made task waits for the archived annotation
     */
    public record Policy(Duration cancelGrace, Duration maxTtl, Duration archiveWait) {
    }
}
