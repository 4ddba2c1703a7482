package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.RunnerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator against fabric8's mock API server (CRUD mode, CRD registered, SSA off as in
 * production) and a real Redis. The test plays the Job controller and the kubelet by patching
 * Job and Pod status, and the runner by writing status entries to Redis.
 */
@EnableKubernetesMockClient(crud = true)
class TaskLifecycleMockTest {

    static final String NS = "test";
    @RegisterExtension
    static final TestRedis REDIS = new TestRedis();

    KubernetesMockServer server;
    KubernetesClient client;
    RedisClient redisClient;
    StatefulRedisConnection<String, String> redis;
    OperatorHarness operator;
    TaskLifecycleScenarios scenarios;


    @BeforeEach
    void setUp() {
        redisClient = RedisClient.create(REDIS.url());
        redis = redisClient.connect();
        redis.sync().flushall();
        OperatorHarness.installCrd(client);
        useArchiveWait(Duration.ofSeconds(60));
        scenarios = new TaskLifecycleScenarios(client, NS, redis.sync());
    }

    /** (Re)starts the operator with the given archive-wait bound. */
    void useArchiveWait(Duration archiveWait) {
        if (operator != null) {
            operator.close();
        }
        operator = new OperatorHarness(client, OperatorSettings.defaults(REDIS.url()).withCancelGrace(Duration.ofSeconds(1))
                .withArchiveWait(archiveWait).withWatchNamespaces(List.of(NS)));
        operator.start();
    }

    @AfterEach
    void tearDown() {
        operator.close();
        redis.close();
        redisClient.shutdown();
    }

    @Test
    void successThroughInputAndCompletion() {
        scenarios.successWithInput("ok", true);
        Job job = scenarios.job("ok");
        OwnerReference owner = job.getMetadata().getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController()))
                .findFirst().orElseThrow();
        assertThat(owner.getKind()).isEqualTo("WaldiezTask");
        assertThat(owner.getName()).isEqualTo("ok");
        ConfigMap flow = client.configMaps().inNamespace(NS).withName("wt-ok-flow").get();
        assertThat(flow.getData()).containsKey(TaskIds.FLOW_KEY);
        assertThat(flow.getMetadata().getOwnerReferences()).anyMatch(r -> Boolean.TRUE.equals(r.getController()));
        // every runner status entry was acknowledged once recorded
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> scenarios.unacknowledged() == 0);
        WaldiezTaskStatus status = scenarios.task("ok").getStatus();
        assertThat(status.getObservedGeneration()).isEqualTo(scenarios.task("ok").getMetadata().getGeneration());
        assertThat(status.getConditions()).anyMatch(c -> c.getType().equals("Succeeded") && c.getStatus().equals("True"));
        assertThat(status.getJobName()).isEqualTo("wt-ok");
        // transitions are visible to kubectl describe as events.k8s.io Events
        var events = client.events().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "ok".equals(e.getRegarding().getName())).toList();
        assertThat(events).extracting(e -> e.getReason()).contains("JobCreated", "Started", "InputRequested", "Completed");
        assertThat(events).allMatch(e -> TaskEvents.REPORTING_CONTROLLER.equals(e.getReportingController()));
        // the mock accepts any name; a real API server refused "<task>." (issue 11, 5a)
        assertThat(events).allSatisfy(e -> assertThat(KubernetesNames.isValidGenerateName(e.getMetadata().getGenerateName()))
                .as("generateName %s", e.getMetadata().getGenerateName()).isTrue());
    }

    @Test
    void eachRunGetsItsOwnRedisUserFromItsOwnSecretGoneWhenTheTaskEnds() {
        scenarios.createTask("own", s -> s.setInputTimeoutSeconds(30));
        String taskId = scenarios.awaitTaskId("own");
        Job job = scenarios.awaitJob("own");
        // The task's Secret, owned by it (so deleted with it), holds the password the pod gets by reference.
        io.fabric8.kubernetes.api.model.Secret secret = client.secrets().inNamespace(NS).withName("wt-own-redis").get();
        assertThat(secret.getMetadata().getOwnerReferences()).anyMatch(r -> Boolean.TRUE.equals(r.getController())
                && r.getName().equals("own"));
        String password = secret.getData() != null && secret.getData().get("password") != null
                ? new String(java.util.Base64.getDecoder().decode(secret.getData().get("password")))
                : secret.getStringData().get("password");
        var env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env).noneMatch(e -> e.getValue() != null && e.getValue().contains(password));
        assertThat(env).anyMatch(e -> e.getName().equals("WALDIEZ_REDIS_URL") && !e.getValue().contains("@"));
        // Its ACL user exists with that password (before the Job), and reaches its own keys only.
        RedisClient runClient = RedisClient.create(io.lettuce.core.RedisURI.create(REDIS.url()));
        try (StatefulRedisConnection<String, String> run = runClient.connect(io.lettuce.core.RedisURI.builder(
                io.lettuce.core.RedisURI.create(REDIS.url())).withAuthentication("task-" + taskId, password.toCharArray()).build())) {
            run.sync().xadd(io.waldiez.runner.protocol.StreamKeys.output(taskId), Map.of("type", "print", "data", "hi"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.sync().xrange(
                    io.waldiez.runner.protocol.StreamKeys.GLOBAL_STATUS, io.lettuce.core.Range.create("-", "+")))
                    .hasMessageContaining("NOPERM");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.sync().keys("*")).hasMessageContaining("NOPERM");
        } finally {
            runClient.shutdown();
        }
        // A terminal phase deletes the user.
        scenarios.createPod("own");
        scenarios.jobStarted("own");
        scenarios.runnerCompleted(taskId);
        scenarios.podTerminated("own", 0, "Completed");
        scenarios.jobSucceeded("own");
        scenarios.awaitPhase("own", TaskPhase.Succeeded, "Completed");
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> !redis.sync().aclUsers().contains("task-" + taskId));
    }

    /** The answer of a real API server when a ResourceQuota {@code count/jobs.batch=0} refuses the Job. */
    private void refuseJobCreation(String task, int times) {
        String job = TaskIds.boundedName("wt-" + task);
        server.expect().post().withPath("/apis/batch/v1/namespaces/" + NS + "/jobs")
                .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure").withCode(403)
                        .withReason("Forbidden").withMessage("jobs.batch \"" + job + "\" is forbidden: exceeded quota: no-jobs,"
                                + " requested: count/jobs.batch=1, used: count/jobs.batch=0, limited: count/jobs.batch=0")
                        .build())
                .times(times);
    }

    @Test
    void aRefusedJobShowsTheApiReasonAndIsRetriedUntilCreated() {
        refuseJobCreation("quota", 3);
        scenarios.createTask("quota", s -> { });
        WaldiezTaskStatus refused = scenarios.awaitPhase("quota", TaskPhase.Pending, "JobRefused");
        assertThat(refused.getMessage()).contains("exceeded quota");
        assertThat(refused.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("JobCreated");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Forbidden");
            assertThat(c.getMessage()).contains("exceeded quota");
        });
        var events = client.events().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "quota".equals(e.getRegarding().getName())).toList();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("JobRefused");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getNote()).contains("exceeded quota");
        });
        // retried by the operator itself (backoff 1 s, 2 s, 4 s...), not by the next event or resync
        scenarios.awaitJob("quota");
        await().atMost(TaskLifecycleScenarios.WAIT).untilAsserted(() -> assertThat(scenarios.task("quota").getStatus()
                .getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("JobCreated");
                    assertThat(c.getStatus()).isEqualTo("True");
                }));
        assertThat(scenarios.task("quota").getStatus().getReason()).isEqualTo("JobCreated");
    }

    @Test
    void aJobRefusedUntilThePendingDeadlineFailsTheTaskWithTheApiReason() {
        refuseJobCreation("quota-deadline", 1000);
        scenarios.createTask("quota-deadline", s -> s.setPendingDeadlineSeconds(4));
        WaldiezTaskStatus s = scenarios.awaitPhase("quota-deadline", TaskPhase.Failed, "JobRefused");
        assertThat(s.getMessage()).contains("Forbidden", "exceeded quota", "pendingDeadlineSeconds");
        assertThat(s.getCompletionTime()).isNotNull();
        assertThat(scenarios.job("quota-deadline")).isNull();
    }

    @Test
    void kubectlTaskGetsItsUidAsTaskIdLabelAndJobEnvironment() {
        scenarios.createTask("kubectl-made", s -> {
            s.setFlow(FlowSource.ofConfigMap("my-flow", "flow.waldiez"));
            s.setEnv(List.of(new EnvVar("OPENAI_API_KEY", null, new io.fabric8.kubernetes.api.model.EnvVarSourceBuilder()
                    .withNewSecretKeyRef("api-key", "openai", false).build())));
        });
        String uid = scenarios.task("kubectl-made").getMetadata().getUid();
        await().atMost(TaskLifecycleScenarios.WAIT).until(() ->
                uid.equals(scenarios.task("kubectl-made").getMetadata().getLabels().get(Labels.TASK_ID)));
        assertThat(scenarios.awaitTaskId("kubectl-made")).isEqualTo(uid);
        Job job = scenarios.awaitJob("kubectl-made");
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("WALDIEZ_TASK_ID") && uid.equals(e.getValue()));
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("OPENAI_API_KEY") && e.getValue() == null
                && e.getValueFrom().getSecretKeyRef().getName().equals("openai"));
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).anyMatch(v -> v.getConfigMap() != null
                && v.getConfigMap().getName().equals("my-flow"));
        assertThat(client.configMaps().inNamespace(NS).withName("wt-kubectl-made-flow").get()).isNull();
    }

    @Test
    void flowFailureByExitCode() {
        scenarios.createTask("fails", s -> { });
        scenarios.createPod("fails");
        scenarios.podRunning("fails");
        scenarios.awaitPhase("fails", TaskPhase.Running, null);
        scenarios.podTerminated("fails", 10, "Error");
        scenarios.jobFailed("fails", "PodFailurePolicy", "Container runner for pod test/wt-fails-x1 failed with exit code 10");
        WaldiezTaskStatus s = scenarios.awaitPhase("fails", TaskPhase.Failed, "FlowFailed");
        assertThat(s.getMessage()).contains("exit", "10");
    }

    @Test
    void invalidFlowReportedByTheRunner() {
        scenarios.createTask("invalid", s -> { });
        String taskId = scenarios.awaitTaskId("invalid");
        scenarios.createPod("invalid");
        scenarios.podRunning("invalid");
        scenarios.runnerFailed(taskId, 11);
        WaldiezTaskStatus s = scenarios.awaitPhase("invalid", TaskPhase.Failed, "InvalidFlow");
        assertThat(s.getMessage()).contains("agent crashed");
    }

    @Test
    void oomKilled() {
        scenarios.createTask("oom", s -> { });
        scenarios.createPod("oom");
        scenarios.podRunning("oom");
        scenarios.awaitPhase("oom", TaskPhase.Running, null);
        scenarios.podTerminated("oom", 137, "OOMKilled");
        scenarios.jobFailed("oom", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        assertThat(scenarios.awaitPhase("oom", TaskPhase.Failed, "OOMKilled").getMessage()).contains("memory");
    }

    @Test
    void imagePullFailureHitsThePendingDeadlineAndTheJobIsRemoved() {
        scenarios.createTask("pull", s -> s.setPendingDeadlineSeconds(5));
        scenarios.createPod("pull");
        scenarios.podWaiting("pull", "ImagePullBackOff", "Back-off pulling image \"nope:1\"");
        // the Job controller's start time starts the pending clock (5 s from here, whatever the load)
        scenarios.jobStarted("pull");
        WaldiezTaskStatus s = scenarios.awaitPhase("pull", TaskPhase.Failed, "PendingDeadlineExceeded");
        assertThat(s.getMessage()).contains("ImagePullBackOff", "nope:1");
        scenarios.awaitJobDeleted("pull");
        assertThat(scenarios.task("pull").getStatus().getConditions())
                .anyMatch(c -> c.getType().equals("Succeeded") && c.getStatus().equals("False"));
    }

    @Test
    void runningDeadlineFromTheJobController() {
        scenarios.createTask("slow", s -> s.setActiveDeadlineSeconds(3600L));
        scenarios.createPod("slow");
        scenarios.podRunning("slow");
        scenarios.awaitPhase("slow", TaskPhase.Running, null);
        assertThat(scenarios.job("slow").getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        scenarios.jobFailed("slow", "DeadlineExceeded", "Job was active longer than specified deadline");
        scenarios.awaitPhase("slow", TaskPhase.Failed, "DeadlineExceeded");
    }

    @Test
    void runningDeadlineByTheOperatorsOwnClock() {
        scenarios.createTask("slow2", s -> s.setActiveDeadlineSeconds(2L));
        scenarios.createPod("slow2");
        scenarios.jobStarted("slow2");
        scenarios.podRunning("slow2");
        scenarios.awaitPhase("slow2", TaskPhase.Failed, "DeadlineExceeded");
        scenarios.awaitJobDeleted("slow2");
    }

    @Test
    void cancelTellsTheRunnerThenRemovesTheJobAfterTheGracePeriod() {
        scenarios.createTask("cancel-me", s -> { });
        String taskId = scenarios.awaitTaskId("cancel-me");
        scenarios.createPod("cancel-me");
        scenarios.podRunning("cancel-me");
        scenarios.awaitPhase("cancel-me", TaskPhase.Running, null);
        scenarios.editSpec("cancel-me", s -> s.setCancelRequested(true));
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> !scenarios.controlEntries(taskId).isEmpty());
        Map<String, String> control = scenarios.controlEntries(taskId).get(0);
        assertThat(new ProtocolCodec().decodeControl(control)).hasValueSatisfying(c -> {
            assertThat(c.action()).isEqualTo("cancel");
            assertThat(c.taskId()).isEqualTo(taskId);
        });
        // the runner ignores it here: the Job goes after the grace period anyway
        WaldiezTaskStatus s = scenarios.awaitPhase("cancel-me", TaskPhase.Cancelled, "Cancelled");
        scenarios.awaitJobDeleted("cancel-me");
        assertThat(s.getConditions()).anyMatch(c -> c.getType().equals("CancelRequested"));
        assertThat(scenarios.controlEntries(taskId)).hasSize(1);
    }

    @Test
    void cancelBeforeTheJobStartsNeverCreatesOne() {
        scenarios.createTask("early-cancel", s -> s.setCancelRequested(true));
        scenarios.awaitPhase("early-cancel", TaskPhase.Cancelled, "Cancelled");
        assertThat(scenarios.jobsOf("early-cancel")).isEmpty();
    }

    @Test
    void bothFlowSourcesAreRejectedWithoutAJob() {
        scenarios.createTask("both", s -> s.getFlow().setConfigMapKeyRef(new io.waldiez.runner.crd.FlowConfigMapKeyRef("a", "b")));
        scenarios.awaitPhase("both", TaskPhase.Failed, "InvalidSpec");
        assertThat(scenarios.jobsOf("both")).isEmpty();
    }

    @Test
    void deletingTheTaskLeavesNothingTheOperatorRecreates() {
        scenarios.createTask("gone", s -> { });
        Job job = scenarios.awaitJob("gone");
        // the API server's garbage collector deletes the Job through this controller reference
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
            assertThat(r.getController()).isTrue();
            assertThat(r.getBlockOwnerDeletion()).isTrue();
            assertThat(r.getUid()).isEqualTo(scenarios.task("gone").getMetadata().getUid());
        });
        client.resource(scenarios.task("gone")).delete();
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> scenarios.task("gone") == null);
        // the mock has no garbage collector: play it, and check the operator does not bring anything back
        client.resource(job).delete();
        scenarios.awaitJobDeleted("gone");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> scenarios.jobsOf("gone").isEmpty());
    }

    @Test
    void restartAtEveryPhaseNeverCreatesASecondJob() {
        scenarios.createTask("restart", s -> { });
        String taskId = scenarios.awaitTaskId("restart");
        String jobUid = scenarios.awaitJob("restart").getMetadata().getUid();
        operator.restart(); // Pending
        scenarios.awaitPhase("restart", TaskPhase.Pending, null);
        scenarios.createPod("restart");
        scenarios.podRunning("restart");
        scenarios.awaitPhase("restart", TaskPhase.Running, null);
        operator.restart(); // Running
        scenarios.runnerWaitingForInput(taskId, "req-9");
        scenarios.awaitPhase("restart", TaskPhase.WaitingForInput, null);
        operator.restart(); // WaitingForInput: the runner's state is read back from Redis
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(10)).until(() ->
                scenarios.task("restart").getStatus().getPhase() == TaskPhase.WaitingForInput);
        scenarios.runnerCompleted(taskId);
        scenarios.jobSucceeded("restart");
        scenarios.awaitPhase("restart", TaskPhase.Succeeded, "Completed");
        operator.restart(); // Succeeded
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(10)).until(() ->
                scenarios.task("restart").getStatus().getPhase() == TaskPhase.Succeeded);
        assertThat(scenarios.jobsOf("restart")).singleElement()
                .satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(jobUid));
    }

    @Test
    void runnerStatusPublishedWhileTheOperatorIsDownIsAppliedAfterRestart() {
        scenarios.createTask("offline", s -> { });
        String taskId = scenarios.awaitTaskId("offline");
        scenarios.createPod("offline");
        scenarios.podRunning("offline");
        scenarios.awaitPhase("offline", TaskPhase.Running, null);
        operator.stop();
        scenarios.runnerFailed(taskId, 10);
        operator.start();
        scenarios.awaitPhase("offline", TaskPhase.Failed, "FlowFailed");
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> scenarios.unacknowledged() == 0);
    }

    @Test
    void terminalPhaseNeverChangesAfterwards() {
        scenarios.createTask("final", s -> { });
        String taskId = scenarios.awaitTaskId("final");
        scenarios.createPod("final");
        scenarios.podRunning("final");
        scenarios.runnerCompleted(taskId);
        WaldiezTaskStatus done = scenarios.awaitPhase("final", TaskPhase.Succeeded, "Completed");
        scenarios.runnerFailed(taskId, 10);
        scenarios.podTerminated("final", 137, "OOMKilled");
        scenarios.jobFailed("final", "BackoffLimitExceeded", "late");
        scenarios.editSpec("final", s -> s.setCancelRequested(true));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> {
            WaldiezTaskStatus s = scenarios.task("final").getStatus();
            return s.getPhase() == TaskPhase.Succeeded && "Completed".equals(s.getReason())
                    && done.getCompletionTime().equals(s.getCompletionTime());
        });
        assertThat(scenarios.controlEntries(taskId)).isEmpty();
    }

    @Test
    void ttlDeletesAKubectlTaskAfterItFinished() {
        scenarios.createTask("ttl", s -> s.setTtlSecondsAfterFinished(3));
        String taskId = scenarios.awaitTaskId("ttl");
        scenarios.runnerStatus(taskId, RunnerStatus.RUNNING, null);
        scenarios.runnerCompleted(taskId);
        scenarios.awaitPhase("ttl", TaskPhase.Succeeded, null);
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> scenarios.task("ttl") == null);
    }

    @Test
    void ttlWaitsForTheArchiveOfAnApiServerTask() {
        scenarios.createTask("api-task", Map.of(Labels.CLIENT_ID, "client-1", Labels.TASK_ID, "0123456789abcdef0123456789abcdef"),
                s -> s.setTtlSecondsAfterFinished(1));
        String taskId = scenarios.awaitTaskId("api-task");
        assertThat(taskId).isEqualTo("0123456789abcdef0123456789abcdef");
        scenarios.runnerCompleted(taskId);
        scenarios.awaitPhase("api-task", TaskPhase.Succeeded, null);
        // past the TTL (1 s), but not archived: kept
        await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(10)).until(() -> scenarios.task("api-task") != null);
        client.resources(io.waldiez.runner.crd.WaldiezTask.class).inNamespace(NS).withName("api-task")
                .edit(t -> {
                    t.getMetadata().setAnnotations(Map.of(Labels.ARCHIVED, "true"));
                    return t;
                });
        // deleted on the annotation, well before the 60 s archive-wait bound
        await().atMost(Duration.ofSeconds(20)).until(() -> scenarios.task("api-task") == null);
    }

    @Test
    void ttlDeletesAnUnarchivedTaskAfterTheUpperBound() {
        useArchiveWait(Duration.ofSeconds(2));
        scenarios.createTask("never-archived", Map.of(Labels.CLIENT_ID, "client-1"), s -> s.setTtlSecondsAfterFinished(1));
        String taskId = scenarios.awaitTaskId("never-archived");
        scenarios.runnerCompleted(taskId);
        scenarios.awaitPhase("never-archived", TaskPhase.Succeeded, null);
        // TTL 1 s + archive wait 2 s
        await().atMost(TaskLifecycleScenarios.WAIT).until(() -> scenarios.task("never-archived") == null);
    }

    @Test
    void metricsCountTasksByPhase() {
        scenarios.createTask("metered", s -> { });
        scenarios.awaitPhase("metered", TaskPhase.Pending, null);
        await().atMost(TaskLifecycleScenarios.WAIT).until(() ->
                operator.meters.find(TaskMetrics.TASKS).tag("phase", "Pending").gauge().value() >= 1.0);
        assertThat(operator.meters.getMeters()).anyMatch(m -> m.getId().getName().startsWith("operator.sdk"));
    }
}
