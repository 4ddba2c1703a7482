package io.waldiez.runner.operator.decision;

import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.operator.decision.Decision.Action;
import io.waldiez.runner.protocol.ExitCodes;
import io.waldiez.runner.protocol.RunnerStatus;
import io.waldiez.runner.protocol.StatusEntry;
import java.time.Duration;
import java.time.Instant;

/**
 * The task state machine, as a pure function of what was observed. Order of precedence:
 * terminal phases never change (only the TTL acts on them); then an invalid spec; then cancel;
 * then the runner's own final status; then Job facts; then deadlines; then progress.
 */
public final class TaskDecider {

    static final Duration ARCHIVE_POLL = Duration.ofSeconds(15);
    static final Duration REFUSED_RETRY_MIN = Duration.ofSeconds(1);
    static final Duration REFUSED_RETRY_MAX = Duration.ofSeconds(30);

    private TaskDecider() {
    }

    public static Decision decide(Observation o) {
        if (o.phase() != null && o.phase().isTerminal()) {
            return afterFinish(o);
        }
        if (!o.flowValid()) {
            return Decision.of(TaskPhase.Failed, Reasons.INVALID_SPEC,
                    "spec.flow must set exactly one of configMapKeyRef and inline");
        }
        if (o.cancelRequested()) {
            return cancel(o);
        }
        Decision fromRunner = fromRunnerFinal(o.runnerFinal());
        if (fromRunner != null) {
            Decision stoppedBy = fromRunner.phase() == TaskPhase.Cancelled ? stoppedFromOutside(o) : null;
            return stoppedBy != null ? stoppedBy : fromRunner;
        }
        JobFacts job = o.job();
        if (!job.exists()) {
            if (o.jobEverCreated()) {
                return Decision.of(TaskPhase.Failed, Reasons.JOB_DELETED,
                        "the Job was deleted before the task finished");
            }
            return Decision.of(TaskPhase.Pending, Reasons.JOB_CREATED, "Job created, waiting for its pod")
                    .with(Action.CREATE_JOB).recheckAfter(o.pendingDeadline());
        }
        if (job.complete()) {
            return Decision.of(TaskPhase.Succeeded, Reasons.COMPLETED, "the flow completed");
        }
        if (job.failed()) {
            return fromFailedJob(job, o.pod());
        }
        Instant runStart = job.startedAt() != null ? job.startedAt() : job.createdAt();
        if (o.activeDeadline() != null && runStart != null && o.pod().started()
                && !o.now().isBefore(runStart.plus(o.activeDeadline()))) {
            return Decision.of(TaskPhase.Failed, Reasons.DEADLINE_EXCEEDED,
                    "the run exceeded activeDeadlineSeconds (" + o.activeDeadline().toSeconds() + "s)")
                    .with(Action.DELETE_JOB);
        }
        if (job.suspended()) {
            return Decision.of(TaskPhase.Queued, Reasons.SUSPENDED, "the Job is suspended, waiting for admission");
        }
        boolean started = o.pod().started() || isProgress(o.runnerLatest());
        if (!started) {
            return pending(o, runStart);
        }
        Duration untilDeadline = o.activeDeadline() == null || runStart == null ? null
                : Duration.between(o.now(), runStart.plus(o.activeDeadline()));
        StatusEntry latest = o.runnerLatest();
        if (latest != null && latest.status() == RunnerStatus.WAITING_FOR_INPUT) {
            String prompt = latest.prompt();
            return withRecheck(Decision.of(TaskPhase.WaitingForInput, Reasons.INPUT_REQUESTED,
                    "the flow waits for input" + (prompt == null || prompt.isBlank() ? "" : ": " + abbreviate(prompt)))
                    .waitingFor(latest.requestId()), untilDeadline);
        }
        return withRecheck(Decision.of(TaskPhase.Running, Reasons.STARTED, "the flow is running"), untilDeadline);
    }

    /**
     * The API server refused the Job the decision asked for. Pending while the pending deadline
     * (counted from the task's creation) lasts, retried with a backoff that doubles the time since
     * the first refusal (1 s up to 30 s); Failed with reason JobRefused and the API's message after it.
     */
    public static Decision refused(Observation o, Instant createdAt, Instant firstRefusedAt, JobRefusal refusal) {
        Instant deadline = createdAt.plus(o.pendingDeadline());
        String what = "the API server refused the Job (" + refusal.apiReason() + "): " + abbreviate(refusal.message());
        if (!o.now().isBefore(deadline)) {
            return Decision.of(TaskPhase.Failed, Reasons.JOB_REFUSED, what + "; gave up after pendingDeadlineSeconds ("
                    + o.pendingDeadline().toSeconds() + "s)").refusedBecause(refusal);
        }
        Duration sinceFirst = Duration.between(firstRefusedAt, o.now());
        Duration backoff = sinceFirst.compareTo(REFUSED_RETRY_MIN) < 0 ? REFUSED_RETRY_MIN
                : sinceFirst.compareTo(REFUSED_RETRY_MAX) > 0 ? REFUSED_RETRY_MAX : sinceFirst;
        Duration untilDeadline = Duration.between(o.now(), deadline);
        return Decision.of(TaskPhase.Pending, Reasons.JOB_REFUSED, what + "; retrying")
                .recheckAfter(backoff.compareTo(untilDeadline) < 0 ? backoff : untilDeadline).refusedBecause(refusal);
    }

    private static Decision pending(Observation o, Instant pendingSince) {
        PodFacts pod = o.pod();
        String detail = pod.waitingReason() == null ? null
                : pod.waitingReason() + (pod.waitingMessage() == null ? "" : ": " + pod.waitingMessage());
        if (pendingSince != null && !o.now().isBefore(pendingSince.plus(o.pendingDeadline()))) {
            return Decision.of(TaskPhase.Failed, Reasons.PENDING_DEADLINE_EXCEEDED,
                    "the pod did not start running within pendingDeadlineSeconds (" + o.pendingDeadline().toSeconds() + "s)"
                            + (detail == null ? "" : "; last state: " + detail))
                    .with(Action.DELETE_JOB);
        }
        String reason = pod.waitingReason() != null ? pod.waitingReason() : Reasons.JOB_CREATED;
        String message = detail != null ? detail : "waiting for the pod to start";
        Decision d = Decision.of(TaskPhase.Pending, reason, message);
        return pendingSince == null ? d : d.recheckAfter(Duration.between(o.now(), pendingSince.plus(o.pendingDeadline())));
    }

    private static Decision cancel(Observation o) {
        // a run that already ended keeps its real outcome; the Job is kept for its logs
        Decision ended = fromRunnerFinal(o.runnerFinal());
        if (ended != null) {
            return ended;
        }
        if (o.job().complete()) {
            return Decision.of(TaskPhase.Succeeded, Reasons.COMPLETED, "the flow completed before the cancel took effect");
        }
        if (o.job().failed()) {
            return fromFailedJob(o.job(), o.pod());
        }
        if (!o.job().exists()) {
            return Decision.of(TaskPhase.Cancelled, Reasons.CANCELLED, "cancelled on request");
        }
        if (o.cancelSentAt() == null) {
            return Decision.of(o.phase() == null ? TaskPhase.Pending : o.phase(), Reasons.CANCELLING,
                    "cancel requested, the runner was told to stop").with(Action.SEND_CANCEL)
                    .recheckAfter(o.policy().cancelGrace());
        }
        Instant graceEnds = o.cancelSentAt().plus(o.policy().cancelGrace());
        if (!o.now().isBefore(graceEnds)) {
            return Decision.of(TaskPhase.Cancelled, Reasons.CANCELLED,
                    "cancelled on request; the Job was removed after the grace period").with(Action.DELETE_JOB);
        }
        return Decision.of(o.phase() == null ? TaskPhase.Pending : o.phase(), Reasons.CANCELLING,
                "cancel requested, the runner was told to stop").recheckAfter(Duration.between(o.now(), graceEnds));
    }

    /**
     * The runner says it was cancelled (it takes SIGTERM as a cancel) although nobody asked: the
     * cluster stopped its pod. The reason is the cluster's: the running deadline (the Job controller
     * kills the pod as it marks the Job; its condition may not be there yet) or an eviction, when
     * either applies; otherwise null (a cancel it is).
     */
    private static Decision stoppedFromOutside(Observation o) {
        JobFacts job = o.job();
        if (job.failed() && ("DeadlineExceeded".equals(job.failedReason()) || o.pod().evicted())) {
            return fromFailedJob(job, o.pod());
        }
        Instant runStart = job.startedAt() != null ? job.startedAt() : job.createdAt();
        if (o.activeDeadline() != null && runStart != null && !o.now().isBefore(runStart.plus(o.activeDeadline()))) {
            return Decision.of(TaskPhase.Failed, Reasons.DEADLINE_EXCEEDED,
                    "the run exceeded activeDeadlineSeconds (" + o.activeDeadline().toSeconds() + "s)");
        }
        if (o.pod().evicted()) {
            return Decision.of(TaskPhase.Failed, Reasons.EVICTED, "the pod was evicted"
                    + (o.pod().waitingMessage() == null ? "" : ": " + o.pod().waitingMessage()));
        }
        return null;
    }

    private static Decision fromRunnerFinal(StatusEntry fin) {
        if (fin == null) {
            return null;
        }
        return switch (fin.status()) {
            case COMPLETED -> Decision.of(TaskPhase.Succeeded, Reasons.COMPLETED, "the flow completed");
            case CANCELLED -> Decision.of(TaskPhase.Cancelled, Reasons.CANCELLED,
                    fin.message() == null ? "the runner was cancelled" : "cancelled: " + abbreviate(fin.message()));
            case FAILED -> {
                int code = fin.exitCode();
                String reason = code < 0 ? Reasons.FLOW_FAILED : Reasons.forExitCode(code);
                String message = fin.message() == null ? ExitCodes.describe(code) : abbreviate(fin.message());
                yield Decision.of(TaskPhase.Failed, reason, message);
            }
            default -> null;
        };
    }

    /** Reason of a failed Job: its own condition first (deadline), then what the pod says. */
    static Decision fromFailedJob(JobFacts job, PodFacts pod) {
        if ("DeadlineExceeded".equals(job.failedReason())) {
            return Decision.of(TaskPhase.Failed, Reasons.DEADLINE_EXCEEDED,
                    job.failedMessage() == null ? "the run exceeded activeDeadlineSeconds" : job.failedMessage());
        }
        if (pod.evicted()) {
            return Decision.of(TaskPhase.Failed, Reasons.EVICTED, "the pod was evicted"
                    + (pod.waitingMessage() == null ? "" : ": " + pod.waitingMessage()));
        }
        if ("OOMKilled".equals(pod.terminatedReason())) {
            return Decision.of(TaskPhase.Failed, Reasons.OOM_KILLED,
                    "the runner ran out of memory (OOMKilled); raise spec.resources.limits.memory");
        }
        if (pod.exitCode() != null) {
            int code = pod.exitCode();
            String reason = Reasons.forExitCode(code);
            TaskPhase phase = code == ExitCodes.CANCELLED ? TaskPhase.Cancelled : TaskPhase.Failed;
            return Decision.of(phase, reason, "runner exited with code " + code + " (" + ExitCodes.describe(code) + ")");
        }
        return Decision.of(TaskPhase.Failed, Reasons.JOB_FAILED, "the Job failed"
                + (job.failedReason() == null ? "" : ": " + job.failedReason())
                + (job.failedMessage() == null ? "" : ": " + job.failedMessage()));
    }

    /** Terminal: nothing changes; the TTL may delete the task (after the archive, for API-made tasks). */
    private static Decision afterFinish(Observation o) {
        Decision keep = new Decision(o.phase(), null, null, java.util.Set.of(), null, null, null);
        if (o.ttlAfterFinished() == null || o.completedAt() == null) {
            return keep;
        }
        Duration ttl = o.ttlAfterFinished().compareTo(o.policy().maxTtl()) > 0 ? o.policy().maxTtl() : o.ttlAfterFinished();
        Instant expires = o.completedAt().plus(ttl);
        if (o.now().isBefore(expires)) {
            return keep.recheckAfter(Duration.between(o.now(), expires));
        }
        if (!o.apiManaged() || o.archived()) {
            return keep.with(Action.DELETE_TASK);
        }
        Instant giveUp = expires.plus(o.policy().archiveWait());
        if (!o.now().isBefore(giveUp)) {
            return keep.with(Action.DELETE_TASK);
        }
        // annotations do not bump metadata.generation, so their change triggers no reconcile: poll
        Duration left = Duration.between(o.now(), giveUp);
        return keep.recheckAfter(left.compareTo(ARCHIVE_POLL) < 0 ? left : ARCHIVE_POLL);
    }

    private static boolean isProgress(StatusEntry e) {
        return e != null && (e.status() == RunnerStatus.RUNNING || e.status() == RunnerStatus.WAITING_FOR_INPUT);
    }

    private static Decision withRecheck(Decision d, Duration after) {
        return after == null ? d : d.recheckAfter(after);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 200 ? one : one.substring(0, 197) + "...";
    }
}
