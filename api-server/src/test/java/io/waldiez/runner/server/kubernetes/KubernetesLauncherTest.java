package io.waldiez.runner.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.operator.JosdkOverrides;
import io.waldiez.runner.operator.OperatorSettings;
import io.waldiez.runner.operator.StatusRecorder;
import io.waldiez.runner.operator.TaskEvents;
import io.waldiez.runner.operator.TaskIds;
import io.waldiez.runner.operator.TaskJobDependent;
import io.waldiez.runner.operator.WaldiezTaskReconciler;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.RunnerStatus;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.protocol.Timestamps;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.infra.RedisEndpoint;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import io.waldiez.runner.server.tasks.TaskRecord;
import io.waldiez.runner.server.tasks.TaskRepository;
import io.waldiez.runner.server.tasks.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API server in Kubernetes mode against fabric8's mock API server (CRUD mode, the generated CRD
 * registered, SSA off) with the real operator running in-process on the same mock and the same
 * Redis. The test plays the Job controller and the kubelet (Job and pod status) and the runner
 * (entries in Redis), as the operator's own tests do.
 *
 * <p>Its own Spring context on purpose (launcher mode kubernetes), closed after the class so its
 * informer does not outlive the mock server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "waldiez.launcher.mode=kubernetes",
        "waldiez.launcher.kubernetes.namespace=" + KubernetesLauncherTest.NS,
        "waldiez.launcher.kubernetes.runner-image=" + KubernetesLauncherTest.IMAGE,
        "waldiez.launcher.kubernetes.informer-resync=1s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesLauncherTest extends ApiServerIntegrationTest {

    static final String NS = "waldiez-test";
    static final String IMAGE = "registry.example/waldiez/runner:test";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Started before the Spring context, which needs its URL. */
    static final KubernetesMockServer K8S = startMockServer();

    @Autowired
    RedisEndpoint redisEndpoint;
    @Autowired
    StatefulRedisConnection<String, String> redis;
    @Autowired
    TaskRepository repository;
    @Autowired
    TaskStatusMirror mirror;
    @Autowired
    KubernetesTaskLauncher launcher;

    KubernetesClient k8s;
    KubernetesClient operatorClient;
    RedisClient operatorRedis;
    /** Stops the in-process operator (whatever type JosdkOverrides.create returns, it has start and stop). */
    Runnable stopOperator;
    WaldiezTaskReconciler reconciler;
    final ProtocolCodec codec = new ProtocolCodec();

    @DynamicPropertySource
    static void kubernetes(DynamicPropertyRegistry registry) {
        registry.add("waldiez.launcher.kubernetes.api-server-url", () -> K8S.url("/"));
    }

    private static KubernetesMockServer startMockServer() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(Collections.emptyList()), false);
        server.init();
        try (KubernetesClient client = server.createClient();
                InputStream in = WaldiezTask.class.getResourceAsStream(WaldiezTask.CRD_RESOURCE)) {
            // The generated CRD: with it the mock honours the status subresource, as a real API server.
            client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return server;
    }

    @BeforeAll
    void startOperator() {
        k8s = K8S.createClient();
        operatorClient = K8S.createClient();
        operatorRedis = RedisClient.create(redisEndpoint.url());
        OperatorSettings settings = OperatorSettings.defaults(redisEndpoint.url()).withCancelGrace(Duration.ofSeconds(1))
                .withWatchNamespaces(List.of(NS));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Clock clock = Clock.systemUTC();
        reconciler = new WaldiezTaskReconciler(settings, operatorRedis, codec,
                new StatusRecorder(new TaskEvents(operatorClient, clock, "test-operator"), clock),
                new io.waldiez.runner.operator.TaskMetrics(meters), clock);
        // Same wiring as the operator application (JosdkOverrides: SSA off, as on the mock).
        var operator = JosdkOverrides.create(operatorClient, settings,
                MicrometerMetrics.newMicrometerMetricsBuilder(meters).notCollectingMetricsPerResource().build(), reconciler);
        operator.start();
        stopOperator = operator::stop;
    }

    @AfterAll
    void stopOperator() {
        stopOperator.run();
        reconciler.close();
        operatorRedis.shutdown();
        operatorClient.close();
        k8s.close();
    }

    // ------------------------------------------------------------------------ tests

    @Test
    void postedFlowRunsAsAWaldiezTaskAndItsStatusReachesPostgresAndTheApi() throws Exception {
        TestClient owner = newClient(Audiences.TASKS_API);
        String secretValue = "sk-test-" + System.nanoTime();
        byte[] flow = flow();
        String id = post(owner, flow, Map.of("env_vars", "{\"OPENAI_API_KEY\":\"" + secretValue + "\"}",
                "input_timeout", "30"));
        String name = "task-" + id;

        // The task, labelled, with its flow and env by reference only.
        WaldiezTask task = awaitTask(name);
        assertThat(task.getMetadata().getLabels()).containsEntry(Labels.TASK_ID, id)
                .containsEntry(Labels.CLIENT_ID, owner.id());
        WaldiezTaskSpec spec = task.getSpec();
        assertThat(spec.getFlow().getConfigMapKeyRef().getName()).isEqualTo(name + "-flow");
        assertThat(spec.getFlow().getConfigMapKeyRef().getKey()).isEqualTo("flow.waldiez");
        assertThat(spec.getInputTimeoutSeconds()).isEqualTo(30);
        assertThat(spec.getImage()).isEqualTo(IMAGE);
        assertThat(spec.getSkipDeps()).isNull(); // the flow decides
        assertThat(spec.getPackagesOnly()).isNull();
        assertThat(spec.getEnvFrom()).singleElement()
                .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo(name + "-env"));
        assertThat(k8s.getKubernetesSerialization().asJson(task)).doesNotContain(secretValue);

        ConfigMap cm = k8s.configMaps().inNamespace(NS).withName(name + "-flow").get();
        assertThat(cm.getData().get("flow.waldiez")).isEqualTo(new String(flow, StandardCharsets.UTF_8));
        assertThat(cm.getMetadata().getLabels()).containsEntry(Labels.TASK_ID, id).containsEntry(Labels.CLIENT_ID, owner.id());
        assertOwnedBy(cm.getMetadata().getOwnerReferences(), task);
        Secret secret = k8s.secrets().inNamespace(NS).withName(name + "-env").get();
        assertThat(secretValues(secret)).containsEntry("OPENAI_API_KEY", secretValue);
        assertOwnedBy(secret.getMetadata().getOwnerReferences(), task);

        // The operator makes the Job from it: flow ConfigMap mounted, env Secret referenced.
        Job job = awaitJob(task);
        var podSpec = job.getSpec().getTemplate().getSpec();
        assertThat(podSpec.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap() == null ? null
                : v.getConfigMap().getName()).isEqualTo(name + "-flow"));
        assertThat(podSpec.getContainers().get(0).getEnvFrom())
                .anySatisfy(e -> assertThat(e.getSecretRef().getName()).isEqualTo(name + "-env"));
        assertThat(podSpec.getContainers().get(0).getImage()).isEqualTo(IMAGE);

        // Kubelet: the pod runs → Running → RUNNING in PostgreSQL and on the API.
        createPod(job);
        jobStatus(job, j -> new JobBuilder(j).editOrNewStatus().withStartTime(Instant.now().toString()).withActive(1)
                .endStatus().build());
        podRunning(job);
        awaitApiStatus(owner, id, "RUNNING");
        assertThat(repository.find(id).orElseThrow().triggeredAt()).isNotNull();

        // Runner output in Redis reaches a WebSocket client (the streaming path is unchanged).
        Ws ws = Ws.open("ws://127.0.0.1:" + port + "/ws/" + id, owner.bearer());
        String marker = "hello from the pod " + id;
        print(id, marker + "\n");
        await().atMost(WAIT).until(() -> ws.texts().stream().anyMatch(t -> t.contains(marker)));

        // Runner asks for input → WaitingForInput with the request id → WAITING_FOR_INPUT.
        runnerStatus(id, RunnerStatus.RUNNING, null);
        runnerStatus(id, RunnerStatus.WAITING_FOR_INPUT, JsonNodeFactory.instance.objectNode().put("request_id", "req-1")
                .put("prompt", "Your name?").put("password", false));
        JsonNode waiting = awaitApiStatus(owner, id, "WAITING_FOR_INPUT");
        assertThat(waiting.path("input_request_id").asText()).isEqualTo("req-1");
        runnerStatus(id, RunnerStatus.RUNNING, null);
        awaitApiStatus(owner, id, "RUNNING");

        // Runner completes; Job succeeds → Succeeded → COMPLETED, archived with the results from Redis.
        redis.sync().set(StreamKeys.results(id), "[{\"answer\":42}]");
        runnerStatus(id, RunnerStatus.COMPLETED, JsonNodeFactory.instance.objectNode().putNull("results"));
        podTerminated(job, 0);
        jobStatus(job, j -> new JobBuilder(j).editOrNewStatus().withActive(0).withSucceeded(1)
                .withCompletionTime(Instant.now().toString())
                .addToConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build())
                .endStatus().build());
        JsonNode done = awaitApiStatus(owner, id, "COMPLETED");
        assertThat(done.path("results").toString()).contains("\"answer\":42");
        assertThat(task(name).getStatus().getPhase()).isEqualTo(TaskPhase.Succeeded);
        TaskRecord row = repository.find(id).orElseThrow();
        assertThat(row.archivedAt()).isNotNull();
        assertThat(row.launcher()).isEqualTo(KubernetesTaskLauncher.MODE);
        // Archived → annotated, so the operator may delete it after its TTL.
        await().atMost(WAIT).until(() -> TaskResources.isArchived(task(name)));
        // The WebSocket client sees the final status (TaskStatusChanged as in local mode).
        await().atMost(WAIT).until(() -> ws.texts().stream().anyMatch(t -> t.contains("COMPLETED")));
        assertThat(launcher.isSupervising(id)).isFalse();

        // Deleting the task through the API removes its WaldiezTask.
        ResponseEntity<Void> deleted = http(owner.accessToken()).delete().uri("/api/v1/tasks/" + id).retrieve()
                .toBodilessEntity();
        assertThat(deleted.getStatusCode().value()).isEqualTo(204);
        await().atMost(WAIT).until(() -> task(name) == null);
    }

    @Test
    void cancelSetsCancelRequestedAndTheTaskEndsCancelledAndArchived() {
        TestClient owner = newClient(Audiences.TASKS_API);
        String id = post(owner, flow(), Map.of("skip_deps", "false", "packages_only", "true"));
        String name = "task-" + id;
        WaldiezTask task = awaitTask(name);
        assertThat(task.getSpec().getEnvFrom()).isEmpty();
        // the form's package choices reach the resource, and from there the runner (docs/packages.md)
        assertThat(task.getSpec().getSkipDeps()).isFalse();
        assertThat(task.getSpec().getPackagesOnly()).isTrue();
        assertThat(k8s.secrets().inNamespace(NS).withName(name + "-env").get()).isNull();
        Job job = awaitJob(task);
        createPod(job);
        podRunning(job);
        awaitApiStatus(owner, id, "RUNNING");
        assertThat(launcher.isSupervising(id)).isTrue();

        ResponseEntity<JsonNode> r = http(owner.accessToken()).post().uri("/api/v1/tasks/" + id + "/cancel").retrieve()
                .toEntity(JsonNode.class);
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        assertThat(r.getBody().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(task(name).getSpec().getCancelRequested()).isTrue();
        // The operator tells the runner, removes the Job after its grace, and ends Cancelled.
        await().atMost(WAIT).until(() -> redis.sync().xrange(StreamKeys.status(id), Range.create("-", "+")).stream()
                .anyMatch(m -> "control".equals(m.getBody().get("kind"))));
        await().atMost(WAIT).until(() -> task(name).getStatus() != null
                && task(name).getStatus().getPhase() == TaskPhase.Cancelled);
        await().atMost(WAIT).until(() -> TaskResources.isArchived(task(name)));
        TaskRecord row = repository.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(row.archivedAt()).isNotNull();
        assertThat(row.statusReason()).isEqualTo("cancelled by its owner");
        assertThat(launcher.isSupervising(id)).isFalse();

        // The launcher's delete (for the tasks API's delete path) removes the WaldiezTask.
        assertThat(launcher.delete(id)).isTrue();
        await().atMost(WAIT).until(() -> task(name) == null);
        assertThat(launcher.delete(id)).isFalse();
    }

    @Test
    void waldiezTaskDeletedWhileActiveEndsTheTaskCancelled() {
        TestClient owner = newClient(Audiences.TASKS_API);
        String id = post(owner, flow(), Map.of());
        WaldiezTask task = awaitTask("task-" + id);
        awaitJob(task);
        assertThat(launcher.isSupervising(id)).isTrue();

        k8s.resource(task).delete(); // kubectl delete wt task-<id>
        JsonNode ended = awaitApiStatus(owner, id, "CANCELLED");
        assertThat(ended.path("status_reason").asText()).isEqualTo(TaskStatusMirror.TASK_DELETED);
        assertThat(repository.find(id).orElseThrow().archivedAt()).isNotNull();
        assertThat(launcher.isSupervising(id)).isFalse();
    }

    @Test
    void kubectlTaskShowsOnAdminRoutesAndARestartedMirrorCatchesUp() {
        String name = "kubectl-" + System.nanoTime();
        WaldiezTask made = new WaldiezTask();
        made.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofInline(new String(flow(), StandardCharsets.UTF_8)));
        made.setSpec(spec);
        String uid = k8s.resource(made).create().getMetadata().getUid();

        // Adopted under the reserved owner: visible to admin-api.
        String admin = tokenFor(Audiences.ADMIN_API);
        JsonNode listed = await().atMost(WAIT).until(() -> adminFind(admin, name), n -> n != null);
        assertThat(listed.path("id").asText()).isEqualTo(uid);
        assertThat(listed.path("client_id").asText()).isEqualTo(TaskStatusMirror.SYSTEM_OWNER);
        assertThat(repository.find(uid).orElseThrow().launcher()).isEqualTo(KubernetesTaskLauncher.MODE);
        assertThat(repository.flow(uid).orElseThrow()).isEqualTo(flow());

        // A server restart: the mirror is down while the task fails, and while a task's resource
        // disappears; on start its first list brings both rows up to date.
        Job job = awaitJob(task(name));
        String lost = lostTask();
        mirror.stop();
        createPod(job);
        podRunning(job);
        await().atMost(WAIT).until(() -> task(name).getStatus() != null
                && task(name).getStatus().getPhase() == TaskPhase.Running);
        runnerStatus(uid, RunnerStatus.FAILED, JsonNodeFactory.instance.objectNode().put("error_type", "ValueError")
                .put("error", "agent crashed").put("exit_code", 10));
        podTerminated(job, 10);
        jobStatus(job, j -> new JobBuilder(j).editOrNewStatus().withActive(0).withFailed(1)
                .addToConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason("PodFailurePolicy")
                        .withMessage("exit code 10").build())
                .endStatus().build());
        await().atMost(WAIT).until(() -> task(name).getStatus().getPhase() == TaskPhase.Failed);
        assertThat(repository.find(uid).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
        mirror.start();

        await().atMost(WAIT).until(() -> repository.find(uid).orElseThrow().status() == TaskStatus.FAILED);
        TaskRecord failed = repository.find(uid).orElseThrow();
        assertThat(failed.statusReason()).startsWith(task(name).getStatus().getReason());
        assertThat(failed.results().path("error").asText()).isEqualTo(failed.statusReason());
        await().atMost(WAIT).until(() -> TaskResources.isArchived(task(name)));
        TaskRecord gone = repository.find(lost).orElseThrow();
        assertThat(gone.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(gone.statusReason()).isEqualTo(TaskStatusMirror.TASK_GONE);
    }

    // ------------------------------------------------------------------------ helpers

    private static byte[] flow() {
        return flow("valid.waldiez");
    }

    private String post(TestClient owner, byte[] flow, Map<String, String> fields) {
        Map<String, String> withForce = new LinkedHashMap<>(fields);
        withForce.put("force", "true");
        ResponseEntity<JsonNode> r = create(owner.accessToken(), "valid.waldiez", flow, withForce);
        assertThat(r.getStatusCode().value()).as("create: %s", r.getBody()).isEqualTo(200);
        assertThat(r.getBody().path("status").asText()).isEqualTo("PENDING");
        return r.getBody().path("id").asText();
    }

    private JsonNode awaitApiStatus(TestClient owner, String id, String status) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> http(owner.accessToken()).get()
                .uri("/api/v1/tasks/" + id).retrieve().toEntity(JsonNode.class).getBody(),
                b -> b != null && status.equals(b.path("status").asText()));
    }

    private JsonNode adminFind(String adminToken, String name) {
        JsonNode page = http(adminToken).get().uri("/api/v1/admin/tasks?search=" + name).retrieve()
                .toEntity(JsonNode.class).getBody();
        for (JsonNode item : page.path("items")) {
            if ((name + ".waldiez").equals(item.path("filename").asText())) {
                return item;
            }
        }
        return null;
    }

    /** An active row of this mode, older than the mirror's next start, with no WaldiezTask. */
    private String lostTask() {
        String id = io.waldiez.runner.server.common.Ids.newId();
        Instant now = TaskRepository.now();
        repository.insert(new TaskRecord(id, newClient(Audiences.TASKS_API).id(), "f-" + id, "lost.waldiez", 180, null,
                TaskStatus.PENDING, null, null, null, null, null, null, null, KubernetesTaskLauncher.MODE, null, null,
                null, now, now, null), flow());
        return id;
    }

    private WaldiezTask task(String name) {
        return k8s.resources(WaldiezTask.class).inNamespace(NS).withName(name).get();
    }

    private WaldiezTask awaitTask(String name) {
        return await().atMost(WAIT).until(() -> task(name), t -> t != null);
    }

    private Job awaitJob(WaldiezTask task) {
        String jobName = TaskIds.jobName(task);
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> k8s.batch().v1().jobs().inNamespace(NS).withName(jobName).get(), j -> j != null);
    }

    private static void assertOwnedBy(List<OwnerReference> refs, WaldiezTask task) {
        assertThat(refs).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo(WaldiezTask.KIND);
            assertThat(ref.getUid()).isEqualTo(task.getMetadata().getUid());
        });
    }

    /** stringData as sent (the mock does not fold it into data), else decoded data. */
    private static Map<String, String> secretValues(Secret secret) {
        Map<String, String> out = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k, new String(java.util.Base64.getDecoder().decode(v),
                    StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            out.putAll(secret.getStringData());
        }
        return out;
    }

    // The Job controller and the kubelet.

    private void createPod(Job job) {
        Pod pod = new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-x1").withNamespace(NS)
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec()).build();
        k8s.pods().resource(pod).create();
    }

    private void podRunning(Job job) {
        podStatus(job, p -> new PodBuilder(p).editOrNewStatus().withPhase("Running")
                .withContainerStatuses(new ContainerStatusBuilder().withName(TaskJobDependent.CONTAINER).withReady(true)
                        .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState()
                        .build())
                .endStatus().build());
    }

    private void podTerminated(Job job, int exitCode) {
        podStatus(job, p -> new PodBuilder(p).editOrNewStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName(TaskJobDependent.CONTAINER).withReady(false)
                        .withNewState().withNewTerminated().withExitCode(exitCode)
                        .withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().endState().build())
                .endStatus().build());
    }

    private void podStatus(Job job, UnaryOperator<Pod> edit) {
        k8s.pods().inNamespace(NS).withName(job.getMetadata().getName() + "-x1").editStatus(edit);
    }

    private void jobStatus(Job job, UnaryOperator<Job> edit) {
        k8s.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).editStatus(edit);
    }

    // The runner's side of Redis.

    private void runnerStatus(String taskId, RunnerStatus status, JsonNode data) {
        redis.sync().xadd(StreamKeys.status(taskId), codec.encodeStatus(taskId, status, data));
        redis.sync().xadd(StreamKeys.GLOBAL_STATUS, codec.encodeHint(taskId, status));
    }

    private void print(String taskId, String data) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", "print");
        f.put("data", data);
        f.put("task_id", taskId);
        f.put("timestamp", Timestamps.nowString());
        redis.sync().xadd(StreamKeys.output(taskId), f);
    }

    /** A WebSocket client that keeps every text frame. */
    static final class Ws implements WebSocket.Listener {
        private final List<String> frames = Collections.synchronizedList(new ArrayList<>());
        private final StringBuilder partial = new StringBuilder();

        static Ws open(String uri, String bearer) throws Exception {
            Ws ws = new Ws();
            HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", bearer)
                    .buildAsync(URI.create(uri), ws).get(15, TimeUnit.SECONDS);
            return ws;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        List<String> texts() {
            synchronized (frames) {
                return List.copyOf(frames);
            }
        }
    }
}
