package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flow is untrusted code (docs/security.md): on a real cluster, a task pod holds only its own
 * Redis identity (its user, its password from its own Secret, the address without credentials), and
 * with it, from inside the pod, it reaches its own keys and nothing else. The user is gone when the
 * task ends.
 */
class RunCredentialsOnClusterTest {

    static final Duration WAIT = Duration.ofMinutes(4);
    static ApiClient api;

    @BeforeAll
    static void install() {
        ChartRelease.ensureInstalled();
        api = ApiClient.tasksClient();
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
        WaldiezTask task = RestToPodLifecycleTest.taskOf(id);
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
