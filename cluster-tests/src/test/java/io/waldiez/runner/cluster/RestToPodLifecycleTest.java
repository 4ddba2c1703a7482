package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.HashMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flow from REST through the WaldiezTask, its Job and a real pod of the runner image, Redis, and
 * back to the WebSocket and PostgreSQL: with an input answered, and with a cancel. A task pod holds
 * only its own Redis identity (docs/security.md), which reaches nothing else from inside the pod.
 */
class RestToPodLifecycleTest {

    static final Duration WAIT = Duration.ofMinutes(4);
    static ApiClient api;

    @BeforeAll
    static void install() {
        ChartRelease.ensureInstalled();
        api = ApiClient.tasksClient();
    }

    static WaldiezTask taskOf(String taskId) {
        List<WaldiezTask> tasks = Cluster.client().resources(WaldiezTask.class).inNamespace(ChartRelease.NAMESPACE)
                .withLabel(Labels.TASK_ID, taskId).list().getItems();
        return tasks.isEmpty() ? null : tasks.get(0);
    }

    @Test
    void aFlowWithInputRunsInAPodAndItsConversationComesBackOverTheWebSocketAndFromPostgres() {
        long created = System.nanoTime();
        String id = api.upload("dummy_with_input.waldiez", 300).get("id").asText();
        ApiClient.Frames live = api.websocket(id, null);
        JsonNode firstPrint = live.next(f -> "print".equals(f.path("type").asText()), WAIT);
        System.out.printf("time to first output (REST create -> first print frame, pod start included): %d ms%n",
                (System.nanoTime() - created) / 1_000_000);
        assertThat(firstPrint.path("task_id").asText()).isEqualTo(id);
        JsonNode request = live.next(f -> "input_request".equals(f.path("type").asText()), WAIT);

        // the task is a WaldiezTask whose Job runs a real pod; kubectl logs shows the conversation
        WaldiezTask task = taskOf(id);
        assertThat(task).isNotNull();
        assertThat(task.getStatus().getPhase()).isIn(TaskPhase.Running, TaskPhase.WaitingForInput);
        String logs = Cluster.kubectl("-n", ChartRelease.NAMESPACE, "logs", "job/" + task.getStatus().getJobName()).ok().out();
        assertThat(logs).isNotBlank();

        live.send("{\"request_id\":\"" + request.get("request_id").asText() + "\",\"data\":\"hello from the cluster tier\"}");
        live.next(f -> "input_response".equals(f.path("type").asText())
                && "hello from the cluster tier".equals(f.path("data").asText()), WAIT);
        // the assistant answers and the user proxy asks again: "exit" ends the conversation
        live.next(f -> "print".equals(f.path("type").asText()) && f.toString().contains("Hello from Assistant"), WAIT);
        JsonNode again = live.next(f -> "input_request".equals(f.path("type").asText()), WAIT);
        live.send("{\"request_id\":\"" + again.get("request_id").asText() + "\",\"data\":\"exit\"}");
        live.next(f -> ApiClient.isStatus(f, "COMPLETED"), WAIT);
        await().atMost(Duration.ofSeconds(30)).until(() -> live.closeCode != null);
        assertThat(live.closeCode).isEqualTo(1000);

        JsonNode done = api.get("/api/v1/tasks/" + id);
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("results").isNull()).isFalse();
        Tasks.awaitPhase(ChartRelease.NAMESPACE, taskOf(id).getMetadata().getName(), TaskPhase.Succeeded, "Completed");

        // archived into PostgreSQL, then replayed from there
        await().atMost(WAIT).until(() -> "true".equals(taskOf(id).getMetadata().getAnnotations().get(Labels.ARCHIVED)));
        ApiClient.Frames replay = api.websocket(id, "after=0");
        replay.next(f -> "input_response".equals(f.path("type").asText())
                && "hello from the cluster tier".equals(f.path("data").asText()), Duration.ofSeconds(60));
        replay.next(f -> ApiClient.isStatus(f, "COMPLETED"), Duration.ofSeconds(60));
    }

    @Test
    void aCancelledTaskStopsItsPodAndEndsCancelled() {
        String id = api.upload("dummy_with_input.waldiez", 300).get("id").asText();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "WAITING_FOR_INPUT".equals(api.get("/api/v1/tasks/" + id).get("status").asText()));
        JsonNode cancelled = api.post("/api/v1/tasks/" + id + "/cancel", "{}", 200);
        assertThat(cancelled.get("status").asText()).isEqualTo("CANCELLED");
        String name = taskOf(id).getMetadata().getName();
        Tasks.awaitPhase(ChartRelease.NAMESPACE, name, TaskPhase.Cancelled, null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Cluster.client().pods().inNamespace(ChartRelease.NAMESPACE)
                .withLabel(Labels.TASK_ID, id).list().getItems()).allSatisfy(p ->
                assertThat(p.getStatus().getPhase()).isIn("Succeeded", "Failed")));
    }

    /** Python run inside the task pod with its own environment: what its flow could do. */
    private static final String PROBE = """
            import os, redis
            r = redis.Redis.from_url(os.environ["WALDIEZ_REDIS_URL"], username=os.environ["WALDIEZ_REDIS_USERNAME"],
                                     password=os.environ["WALDIEZ_REDIS_PASSWORD"], decode_responses=True)
            tid = os.environ["WALDIEZ_TASK_ID"]
            print("own", len(r.xrange("task:%s:output" % tid)) > 0)
            for name, fn in [("keys", lambda: r.keys("*")), ("hints", lambda: r.xrange("task-status")),
                             ("other", lambda: r.xadd("task:other:input_response", {"request_id": "x", "data": "y"}))]:
                try:
                    fn()
                    print(name, "ALLOWED")
                except redis.exceptions.NoPermissionError:
                    print(name, "NOPERM")
            """;

    @Test
    void aTaskPodHasOnlyItsOwnRedisUserWhichReachesNothingElseAndGoesWithTheTask() {
        String id = api.upload("dummy_with_input.waldiez", 300).get("id").asText();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "WAITING_FOR_INPUT".equals(api.get("/api/v1/tasks/" + id).get("status").asText()));
        WaldiezTask task = taskOf(id);
        String name = task.getMetadata().getName();
        Pod pod = Cluster.client().pods().inNamespace(ChartRelease.NAMESPACE).withLabel(Labels.TASK_ID, id).list()
                .getItems().stream().filter(p -> "Running".equals(p.getStatus().getPhase())).findFirst().orElseThrow();

        Map<String, EnvVar> env = new HashMap<>();
        pod.getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e));
        assertThat(env.get("WALDIEZ_REDIS_URL").getValue()).doesNotContain("@");
        assertThat(env.get("WALDIEZ_REDIS_USERNAME").getValue()).isEqualTo("task-" + id);
        assertThat(env.get("WALDIEZ_REDIS_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("wt-" + name + "-redis");
        Secret secret = Cluster.client().secrets().inNamespace(ChartRelease.NAMESPACE).withName("wt-" + name + "-redis").get();
        assertThat(secret.getMetadata().getOwnerReferences()).anyMatch(r -> r.getName().equals(name));

        String out = Cluster.kubectlAs(Cluster.ADMIN, PROBE, "-n", ChartRelease.NAMESPACE, "exec", "-i",
                pod.getMetadata().getName(), "--", "python", "-").ok().out();
        assertThat(out.lines().toList()).containsExactly("own True", "keys NOPERM", "hints NOPERM", "other NOPERM");

        api.post("/api/v1/tasks/" + id + "/cancel", "{}", 200);
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> !redisUsers().contains("task-" + id));
    }

    /** ACL USERS, asked inside the in-chart Redis pod as the API server's user. */
    private static List<String> redisUsers() {
        Pod redis = Cluster.client().pods().inNamespace(ChartRelease.NAMESPACE)
                .withLabel("app.kubernetes.io/component", "redis").list().getItems().get(0);
        return Cluster.kubectl("-n", ChartRelease.NAMESPACE, "exec", redis.getMetadata().getName(), "--",
                "redis-cli", "--user", "api-server", "ACL", "USERS").ok().out().lines().map(String::strip).toList();
    }
}
