package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.operator.decision.Decision;
import io.waldiez.runner.operator.decision.Decision.Action;
import io.waldiez.runner.operator.decision.JobFacts;
import io.waldiez.runner.operator.decision.KubernetesFacts;
import io.waldiez.runner.operator.decision.Observation;
import io.waldiez.runner.operator.decision.PodFacts;
import io.waldiez.runner.operator.decision.TaskDecider;
import io.waldiez.runner.protocol.RunnerStatus;
import io.waldiez.runner.protocol.StatusEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state machine and the Job/Pod fact mapping, without any server. */
class TaskDeciderTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Observation.Policy POLICY = new Observation.Policy(Duration.ofSeconds(10), Duration.ofDays(7), Duration.ofHours(1));

    static Observation obs(TaskPhase phase, JobFacts job, PodFacts pod, StatusEntry latest, Instant now) {
        StatusEntry fin = latest != null && latest.status().isFinal() ? latest : null;
        return new Observation(now, phase, true, false, null, job.exists(), job, pod, latest, fin, null,
                Duration.ofSeconds(300), null, null, false, false, POLICY);
    }

    static StatusEntry runner(RunnerStatus status, String dataJson) throws Exception {
        return new StatusEntry("1-0", "t1", status, new com.fasterxml.jackson.databind.ObjectMapper().readTree(dataJson), 1L);
    }

    @Test
    void newTaskCreatesTheJobAndWaitsForThePendingDeadline() {
        Decision d = TaskDecider.decide(obs(null, JobFacts.NONE, PodFacts.NONE, null, T0));
        assertThat(d.phase()).isEqualTo(TaskPhase.Pending);
        assertThat(d.actions()).containsExactly(Action.CREATE_JOB);
        assertThat(d.recheckAfter()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void aVanishedJobFailsTheTaskInsteadOfCreatingASecondOne() {
        Observation o = new Observation(T0, TaskPhase.Running, true, false, null, true, JobFacts.NONE, PodFacts.NONE,
                null, null, null, Duration.ofSeconds(300), null, null, false, false, POLICY);
        Decision d = TaskDecider.decide(o);
        assertThat(d.phase()).isEqualTo(TaskPhase.Failed);
        assertThat(d.reason()).isEqualTo("JobDeleted");
        assertThat(d.actions()).doesNotContain(Action.CREATE_JOB);
    }

    @Test
    void exitCodesMapToReasons() {
        JobFacts failed = new JobFacts(true, false, T0, T0, false, true, "PodFailurePolicy", "exit code");
        assertThat(TaskDecider.decide(obs(TaskPhase.Running, failed, PodFacts.terminated(10, "Error"), null, T0)).reason())
                .isEqualTo("FlowFailed");
        assertThat(TaskDecider.decide(obs(TaskPhase.Running, failed, PodFacts.terminated(11, "Error"), null, T0)).reason())
                .isEqualTo("InvalidFlow");
        assertThat(TaskDecider.decide(obs(TaskPhase.Running, failed, PodFacts.terminated(13, "Error"), null, T0)).reason())
                .isEqualTo("InfrastructureError");
        assertThat(TaskDecider.decide(obs(TaskPhase.Running, failed, PodFacts.terminated(1, "Error"), null, T0)).reason())
                .isEqualTo("RunnerCrashed");
        Decision cancelled = TaskDecider.decide(obs(TaskPhase.Running, failed, PodFacts.terminated(12, "Error"), null, T0));
        assertThat(cancelled.phase()).isEqualTo(TaskPhase.Cancelled);
        assertThat(TaskDecider.decide(obs(TaskPhase.Running, failed, PodFacts.terminated(137, "OOMKilled"), null, T0)).reason())
                .isEqualTo("OOMKilled");
        JobFacts deadline = new JobFacts(true, false, T0, T0, false, true, "DeadlineExceeded", "too long");
        assertThat(TaskDecider.decide(obs(TaskPhase.Running, deadline, PodFacts.running(), null, T0)).reason())
                .isEqualTo("DeadlineExceeded");
    }

    @Test
    void runnerFinalStatusWinsOverPodState() throws Exception {
        Decision ok = TaskDecider.decide(obs(TaskPhase.Running, JobFacts.running(T0, T0), PodFacts.running(),
                runner(RunnerStatus.COMPLETED, "{\"results\":null}"), T0));
        assertThat(ok.phase()).isEqualTo(TaskPhase.Succeeded);
        Decision invalid = TaskDecider.decide(obs(TaskPhase.Running, JobFacts.running(T0, T0), PodFacts.running(),
                runner(RunnerStatus.FAILED, "{\"error\":\"bad\",\"exit_code\":11}"), T0));
        assertThat(invalid.reason()).isEqualTo("InvalidFlow");
        assertThat(invalid.message()).isEqualTo("bad");
    }

    @Test
    void aRunnerStoppedByTheClusterAtItsDeadlineFailsItIsNotCancelled() throws Exception {
        // The Job controller kills the pod at activeDeadlineSeconds; the runner takes SIGTERM as a cancel
        // and may report CANCELLED before the Job's DeadlineExceeded condition is seen.
        StatusEntry sigterm = runner(RunnerStatus.CANCELLED, "{\"reason\":\"received SIGTERM\",\"exit_code\":12}");
        Observation atDeadline = new Observation(T0.plusSeconds(30), TaskPhase.Running, true, false, null, true,
                JobFacts.running(T0, T0), PodFacts.running(), sigterm, sigterm, null, Duration.ofSeconds(300),
                Duration.ofSeconds(30), null, false, false, POLICY);
        assertThat(TaskDecider.decide(atDeadline).reason()).isEqualTo("DeadlineExceeded");
        JobFacts deadline = new JobFacts(true, false, T0, T0, false, true, "DeadlineExceeded", "too long");
        Decision withCondition = TaskDecider.decide(obs(TaskPhase.Running, deadline, PodFacts.terminated(12, "Error"),
                sigterm, T0.plusSeconds(5)));
        assertThat(withCondition.phase()).isEqualTo(TaskPhase.Failed);
        assertThat(withCondition.reason()).isEqualTo("DeadlineExceeded");
        // Before any deadline, and with no sign of the cluster stopping it, a cancel it is.
        Decision cancelled = TaskDecider.decide(obs(TaskPhase.Running, JobFacts.running(T0, T0), PodFacts.running(),
                sigterm, T0.plusSeconds(5)));
        assertThat(cancelled.phase()).isEqualTo(TaskPhase.Cancelled);
    }

    @Test
    void waitingForInputCarriesTheRequestId() throws Exception {
        Decision d = TaskDecider.decide(obs(TaskPhase.Running, JobFacts.running(T0, T0), PodFacts.running(),
                runner(RunnerStatus.WAITING_FOR_INPUT, "{\"request_id\":\"r1\",\"prompt\":\"name?\"}"), T0));
        assertThat(d.phase()).isEqualTo(TaskPhase.WaitingForInput);
        assertThat(d.pendingInputRequestId()).isEqualTo("r1");
    }

    @Test
    void pendingDeadlineFailsWithTheWaitingReasonAndDeletesTheJob() {
        PodFacts pulling = PodFacts.waiting("ImagePullBackOff", "Back-off pulling image");
        Decision before = TaskDecider.decide(obs(TaskPhase.Pending, JobFacts.running(T0, T0), pulling, null, T0.plusSeconds(100)));
        assertThat(before.phase()).isEqualTo(TaskPhase.Pending);
        assertThat(before.reason()).isEqualTo("ImagePullBackOff");
        assertThat(before.recheckAfter()).isEqualTo(Duration.ofSeconds(200));
        Decision after = TaskDecider.decide(obs(TaskPhase.Pending, JobFacts.running(T0, T0), pulling, null, T0.plusSeconds(300)));
        assertThat(after.phase()).isEqualTo(TaskPhase.Failed);
        assertThat(after.reason()).isEqualTo("PendingDeadlineExceeded");
        assertThat(after.message()).contains("ImagePullBackOff");
        assertThat(after.actions()).containsExactly(Action.DELETE_JOB);
    }

    @Test
    void queuedJobsAreNotFailedByThePendingDeadline() {
        JobFacts suspended = new JobFacts(true, true, T0, null, false, false, null, null);
        Decision d = TaskDecider.decide(obs(TaskPhase.Pending, suspended, PodFacts.NONE, null, T0.plusSeconds(3600)));
        assertThat(d.phase()).isEqualTo(TaskPhase.Queued);
    }

    @Test
    void cancelSendsOnceThenDeletesTheJobAfterTheGrace() {
        Observation first = new Observation(T0, TaskPhase.Running, true, true, null, true, JobFacts.running(T0, T0),
                PodFacts.running(), null, null, null, Duration.ofSeconds(300), null, null, false, false, POLICY);
        assertThat(TaskDecider.decide(first).actions()).containsExactly(Action.SEND_CANCEL);
        Observation during = new Observation(T0.plusSeconds(5), TaskPhase.Running, true, true, T0, true,
                JobFacts.running(T0, T0), PodFacts.running(), null, null, null, Duration.ofSeconds(300), null, null,
                false, false, POLICY);
        assertThat(TaskDecider.decide(during).actions()).isEmpty();
        assertThat(TaskDecider.decide(during).reason()).isEqualTo("Cancelling");
        Observation after = new Observation(T0.plusSeconds(10), TaskPhase.Running, true, true, T0, true,
                JobFacts.running(T0, T0), PodFacts.running(), null, null, null, Duration.ofSeconds(300), null, null,
                false, false, POLICY);
        Decision d = TaskDecider.decide(after);
        assertThat(d.phase()).isEqualTo(TaskPhase.Cancelled);
        assertThat(d.actions()).containsExactly(Action.DELETE_JOB);
    }

    @Test
    void terminalPhasesNeverChangeAndTtlWaitsForTheArchive() {
        Observation late = new Observation(T0.plusSeconds(100), TaskPhase.Succeeded, true, true, null, true,
                new JobFacts(true, false, T0, T0, false, true, "BackoffLimitExceeded", null), PodFacts.terminated(137, "OOMKilled"),
                null, null, T0, Duration.ofSeconds(300), null, Duration.ofSeconds(60), true, false, POLICY);
        Decision d = TaskDecider.decide(late);
        assertThat(d.phase()).isEqualTo(TaskPhase.Succeeded);
        assertThat(d.actions()).isEmpty();
        Observation archived = new Observation(T0.plusSeconds(100), TaskPhase.Succeeded, true, false, null, true,
                JobFacts.NONE, PodFacts.NONE, null, null, T0, Duration.ofSeconds(300), null, Duration.ofSeconds(60), true,
                true, POLICY);
        assertThat(TaskDecider.decide(archived).actions()).containsExactly(Action.DELETE_TASK);
        Observation bound = new Observation(T0.plusSeconds(60 + 3600), TaskPhase.Failed, true, false, null, true,
                JobFacts.NONE, PodFacts.NONE, null, null, T0, Duration.ofSeconds(300), null, Duration.ofSeconds(60), true,
                false, POLICY);
        assertThat(TaskDecider.decide(bound).actions()).containsExactly(Action.DELETE_TASK);
    }

    @Test
    void kubernetesFactsFromJobAndPodObjects() {
        var job = new JobBuilder().withNewMetadata().withName("wt-a").withCreationTimestamp("2026-11-25T10:00:00Z").endMetadata()
                .withNewStatus().addNewCondition().withType("Failed").withStatus("True").withReason("DeadlineExceeded")
                .endCondition().endStatus().build();
        JobFacts jf = KubernetesFacts.ofJob(Optional.of(job));
        assertThat(jf.failed()).isTrue();
        assertThat(jf.failedReason()).isEqualTo("DeadlineExceeded");
        var unschedulable = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage("0/3 nodes are available").endCondition().endStatus().build();
        PodFacts pf = KubernetesFacts.ofPods(List.of(unschedulable));
        assertThat(pf.started()).isFalse();
        assertThat(pf.waitingReason()).isEqualTo("Unschedulable");
        var evicted = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Failed")
                .withReason("Evicted").withMessage("The node was low on resource: memory.").endStatus().build();
        JobFacts failed = new JobFacts(true, false, T0, T0, false, true, "BackoffLimitExceeded", null);
        Decision d = TaskDecider.decide(obs(TaskPhase.Running, failed, KubernetesFacts.ofPod(evicted), null, T0));
        assertThat(d.reason()).isEqualTo("Evicted");
        var oom = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName("runner").withNewState().withNewTerminated()
                        .withExitCode(137).withReason("OOMKilled").endTerminated().endState().build())
                .endStatus().build();
        assertThat(KubernetesFacts.ofPod(oom).terminatedReason()).isEqualTo("OOMKilled");
        assertThat(JsonNodeFactory.instance).isNotNull();
    }

    @Test
    void aRefusedJobIsRetriedWithBackoffAndFailsAtThePendingDeadline() {
        var quota = new io.waldiez.runner.operator.decision.JobRefusal("Forbidden", "jobs.batch \"wt-a\" is forbidden: exceeded quota");
        Decision first = TaskDecider.refused(obs(null, JobFacts.NONE, PodFacts.NONE, null, T0), T0, T0, quota);
        assertThat(first.phase()).isEqualTo(TaskPhase.Pending);
        assertThat(first.reason()).isEqualTo("JobRefused");
        assertThat(first.refusal()).isEqualTo(quota);
        assertThat(first.recheckAfter()).isEqualTo(Duration.ofSeconds(1));
        // the wait doubles the time since the first refusal, up to 30 s
        Decision later = TaskDecider.refused(obs(TaskPhase.Pending, JobFacts.NONE, PodFacts.NONE, null, T0.plusSeconds(8)),
                T0, T0, quota);
        assertThat(later.recheckAfter()).isEqualTo(Duration.ofSeconds(8));
        Decision much = TaskDecider.refused(obs(TaskPhase.Pending, JobFacts.NONE, PodFacts.NONE, null, T0.plusSeconds(200)),
                T0, T0, quota);
        assertThat(much.recheckAfter()).isEqualTo(Duration.ofSeconds(30));
        // never past the deadline (300 s from creation)
        Decision close = TaskDecider.refused(obs(TaskPhase.Pending, JobFacts.NONE, PodFacts.NONE, null, T0.plusSeconds(290)),
                T0, T0, quota);
        assertThat(close.recheckAfter()).isEqualTo(Duration.ofSeconds(10));
        Decision end = TaskDecider.refused(obs(TaskPhase.Pending, JobFacts.NONE, PodFacts.NONE, null, T0.plusSeconds(300)),
                T0, T0, quota);
        assertThat(end.phase()).isEqualTo(TaskPhase.Failed);
        assertThat(end.reason()).isEqualTo("JobRefused");
        assertThat(end.message()).contains("Forbidden", "exceeded quota", "300s");
        assertThat(end.actions()).isEmpty();
    }
}
