package io.waldiez.runner.operator.decision;

import java.time.Instant;

/**
 * What the Job tells, reduced to what decisions need.
 *
 * @param exists        the Job is in the informer cache
 * @param suspended     spec.suspend (Kueue holds it) or a Suspended=True condition
 * @param createdAt     metadata.creationTimestamp
 * @param startedAt     status.startTime (set when the Job controller starts it), or null
 * @param complete      Complete=True condition or status.succeeded &gt; 0
 * @param failed        Failed=True condition
 * @param failedReason  reason of the Failed condition (DeadlineExceeded, BackoffLimitExceeded, PodFailurePolicy…)
 * @param failedMessage message of the Failed condition
 */
public record JobFacts(boolean exists, boolean suspended, Instant createdAt, Instant startedAt, boolean complete,
                       boolean failed, String failedReason, String failedMessage) {

    public static final JobFacts NONE = new JobFacts(false, false, null, null, false, false, null, null);

    public static JobFacts running(Instant createdAt, Instant startedAt) {
        return new JobFacts(true, false, createdAt, startedAt, false, false, null, null);
    }
}
