package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.RunnerStatus;
import io.waldiez.runner.protocol.StreamKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The lifecycle steps shared by the mock-server test and the real-cluster (k3s) test: create
 * tasks, play the Job controller and kubelet where no real ones exist, write runner status to
 * Redis as the runner would, and wait for the WaldiezTask's phase.
 */
final class TaskLifecycleScenarios {

    // generous: the first reconcile in a fresh JVM on a loaded machine can take many seconds;
    // passing tests do not wait for it
    static final Duration WAIT = Duration.ofSeconds(30);
    private final KubernetesClient client;
    private final String namespace;
    private final RedisCommands<String, String> redis;
    private final ProtocolCodec codec = new ProtocolCodec();

    TaskLifecycleScenarios(KubernetesClient client, String namespace, RedisCommands<String, String> redis) {
        this.client = client;
        this.namespace = namespace;
        this.redis = redis;
    }

    static String validFlow() {
        String root = System.getProperty("waldiez.repo.root", "..");
        Path shared = Path.of(root).resolve("../shared/flows/valid.waldiez");
        Path example = Path.of(root).resolve("examples/task-inline-flow.yaml");
        try {
            if (Files.exists(shared)) {
                return Files.readString(shared);
            }
            // the inline example carries the same flow
            return Files.readString(example).replaceAll("(?s).*inline: \\|\\n", "").replaceAll("(?m)^ {6}", "").trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- tasks

    WaldiezTask createTask(String name, Consumer<WaldiezTaskSpec> customize) {
        return createTask(name, Map.of(), customize);
    }

    WaldiezTask createTask(String name, Map<String, String> labels, Consumer<WaldiezTaskSpec> customize) {
        WaldiezTask task = new WaldiezTask();
        task.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build());
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofInline(validFlow()));
        customize.accept(spec);
        task.setSpec(spec);
        return client.resource(task).create();
    }

    WaldiezTask task(String name) {
        return client.resources(WaldiezTask.class).inNamespace(namespace).withName(name).get();
    }

    void editSpec(String name, Consumer<WaldiezTaskSpec> edit) {
        client.resources(WaldiezTask.class).inNamespace(namespace).withName(name).edit(t -> {
            edit.accept(t.getSpec());
            return t;
        });
    }

    WaldiezTaskStatus awaitPhase(String name, TaskPhase phase, String reason) {
        // the status seen by the successful poll: a TTL may delete the task right after
        java.util.concurrent.atomic.AtomicReference<WaldiezTaskStatus> seen = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            WaldiezTask t = task(name);
            assertThat(t).as("task %s", name).isNotNull();
            WaldiezTaskStatus s = t.getStatus();
            assertThat(s).as("status of %s", name).isNotNull();
            assertThat(s.getPhase()).as("phase of %s (reason %s: %s)", name, s.getReason(), s.getMessage()).isEqualTo(phase);
            if (reason != null) {
                assertThat(s.getReason()).isEqualTo(reason);
            }
            seen.set(s);
        });
        return seen.get();
    }

    /** The task id the operator uses (label, set by the operator for kubectl-made tasks). */
    String awaitTaskId(String name) {
        await().atMost(WAIT).until(() -> task(name).getStatus() != null && task(name).getStatus().getTaskId() != null);
        return task(name).getStatus().getTaskId();
    }

    // ---- Jobs and pods

    Job awaitJob(String taskName) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> job(taskName) != null);
        return job(taskName);
    }

    Job job(String taskName) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(TaskIds.boundedName("wt-" + taskName)).get();
    }

    List<Job> jobsOf(String taskName) {
        return client.batch().v1().jobs().inNamespace(namespace).withLabel(Labels.TASK_NAME, TaskIds.boundedName(taskName))
                .list().getItems();
    }

    void awaitJobDeleted(String taskName) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> job(taskName) == null);
    }

    /** What the Job controller does: a pod with the Job's template labels. */
    Pod createPod(String taskName) {
        Job job = awaitJob(taskName);
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(job.getMetadata().getName() + "-x1").withNamespace(namespace)
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .build();
        return client.pods().resource(pod).create();
    }

    /** What the kubelet reports for a pod that runs. */
    void podRunning(String taskName) {
        editPodStatus(taskName, p -> new PodBuilder(p).editOrNewStatus().withPhase("Running")
                .withContainerStatuses(new ContainerStatusBuilder().withName(TaskJobDependent.CONTAINER).withReady(true)
                        .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState()
                        .build())
                .endStatus().build());
    }

    void podWaiting(String taskName, String reason, String message) {
        editPodStatus(taskName, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending")
                .withContainerStatuses(new ContainerStatusBuilder().withName(TaskJobDependent.CONTAINER).withReady(false)
                        .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
                        .build())
                .endStatus().build());
    }

    void podTerminated(String taskName, int exitCode, String reason) {
        editPodStatus(taskName, p -> new PodBuilder(p).editOrNewStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName(TaskJobDependent.CONTAINER).withReady(false)
                        .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason).endTerminated().endState()
                        .build())
                .endStatus().build());
    }

    private void editPodStatus(String taskName, java.util.function.UnaryOperator<Pod> edit) {
        String podName = awaitJob(taskName).getMetadata().getName() + "-x1";
        client.pods().inNamespace(namespace).withName(podName).editStatus(edit);
    }

    /** What the Job controller writes when it starts the Job. */
    void jobStarted(String taskName) {
        editJobStatus(taskName, j -> new JobBuilder(j).editOrNewStatus().withStartTime(Instant.now().toString())
                .withActive(1).endStatus().build());
    }

    void jobSucceeded(String taskName) {
        editJobStatus(taskName, j -> new JobBuilder(j).editOrNewStatus().withActive(0).withSucceeded(1)
                .withCompletionTime(Instant.now().toString())
                .addToConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build())
                .endStatus().build());
    }

    void jobFailed(String taskName, String reason, String message) {
        editJobStatus(taskName, j -> new JobBuilder(j).editOrNewStatus().withActive(0).withFailed(1)
                .addToConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason)
                        .withMessage(message).build())
                .endStatus().build());
    }

    private void editJobStatus(String taskName, java.util.function.UnaryOperator<Job> edit) {
        client.batch().v1().jobs().inNamespace(namespace).withName(awaitJob(taskName).getMetadata().getName())
                .editStatus(edit);
    }

    // ---- the runner's side of Redis

    /** As a runner writes it (protocol v2): the status on the task's own stream, then a hint. */
    void runnerStatus(String taskId, RunnerStatus status, JsonNode data) {
        redis.xadd(StreamKeys.status(taskId), codec.encodeStatus(taskId, status, data));
        redis.xadd(StreamKeys.GLOBAL_STATUS, codec.encodeHint(taskId, status));
    }

    void runnerWaitingForInput(String taskId, String requestId) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("request_id", requestId).put("prompt", "Your name?")
                .put("password", false);
        runnerStatus(taskId, RunnerStatus.WAITING_FOR_INPUT, data);
    }

    void runnerFailed(String taskId, int exitCode) {
        runnerStatus(taskId, RunnerStatus.FAILED, JsonNodeFactory.instance.objectNode().put("error_type", "ValueError")
                .put("error", "agent crashed").put("exit_code", exitCode));
    }

    void runnerCompleted(String taskId) {
        runnerStatus(taskId, RunnerStatus.COMPLETED, JsonNodeFactory.instance.objectNode().putNull("results"));
    }

    /** Entries of the global status stream delivered to the operator's group and not yet acknowledged. */
    long unacknowledged() {
        return redis.xpending(StreamKeys.GLOBAL_STATUS, RunnerStatusEventSource.GROUP).getCount();
    }

    List<Map<String, String>> controlEntries(String taskId) {
        return redis.xrange(StreamKeys.status(taskId), io.lettuce.core.Range.create("-", "+")).stream()
                .map(io.lettuce.core.StreamMessage::getBody)
                .filter(b -> "control".equals(b.get("kind"))).toList();
    }

    // ---- whole scenarios (real cluster and mock alike)

    /** Pending → Running → WaitingForInput → Running → Succeeded, with the runner speaking through Redis. */
    void successWithInput(String name, boolean simulateCluster) {
        createTask(name, s -> s.setInputTimeoutSeconds(30));
        awaitPhase(name, TaskPhase.Pending, null);
        String taskId = awaitTaskId(name);
        if (simulateCluster) {
            createPod(name);
            jobStarted(name);
            podRunning(name);
            awaitPhase(name, TaskPhase.Running, "Started");
            runnerStatus(taskId, RunnerStatus.RUNNING, null);
            runnerWaitingForInput(taskId, "req-1");
            WaldiezTaskStatus waiting = awaitPhase(name, TaskPhase.WaitingForInput, "InputRequested");
            assertThat(waiting.getPendingInputRequestId()).isEqualTo("req-1");
            runnerStatus(taskId, RunnerStatus.RUNNING, null);
            awaitPhase(name, TaskPhase.Running, "Started");
            runnerCompleted(taskId);
            podTerminated(name, 0, "Completed");
            jobSucceeded(name);
        }
        WaldiezTaskStatus done = awaitPhaseWithin(name, TaskPhase.Succeeded, simulateCluster ? WAIT : Duration.ofMinutes(5));
        assertThat(done.getReason()).isEqualTo("Completed");
        assertThat(done.getCompletionTime()).isNotNull();
        assertThat(done.getStartTime()).isNotNull();
        assertThat(done.getPendingInputRequestId()).isNull();
        assertThat(jobsOf(name)).hasSize(1);
    }

    WaldiezTaskStatus awaitPhaseWithin(String name, TaskPhase phase, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200))
                .until(() -> task(name).getStatus() != null && task(name).getStatus().getPhase() == phase);
        return task(name).getStatus();
    }
}
