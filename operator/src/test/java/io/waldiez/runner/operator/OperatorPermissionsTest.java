package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.lettuce.core.RedisClient;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.rbac.KubernetesPermissions;
import io.waldiez.runner.crd.rbac.PolicyRule;
import io.waldiez.runner.protocol.PackagesKey;
import io.waldiez.runner.protocol.RunnerStatus;
import io.waldiez.runner.protocol.StreamKeys;
import java.util.Map;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KubernetesPermissions#OPERATOR} is exact: every API call the operator makes through a
 * whole lifecycle (kubectl task labelled, inline flow, Job, a flow environment's build Job, cancel,
 * deletion after TTL, events)
 * is covered by a rule, and every rule is used. The chart's RBAC is tested against the same list.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorPermissionsTest {

    static final String NS = "rbac";
    static final String OPERATOR_AGENT = "waldiez-operator-under-test";
    private static final Pattern PATH = Pattern.compile(
            "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([a-z]+)(?:/([^/?]+))?(?:/([a-z]+))?(?:\\?(.*))?$");
    @RegisterExtension
    static final TestRedis REDIS = new TestRedis();

    KubernetesMockServer server;
    KubernetesClient client;


    @Test
    void operatorUsesExactlyItsDeclaredPermissions() throws InterruptedException {
        OperatorHarness.installCrd(client);
        Set<String> used;
        try (KubernetesClient operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build()).build();
             OperatorHarness operator = new OperatorHarness(operatorClient,
                     OperatorSettings.defaults(REDIS.url()).withCancelGrace(Duration.ofMillis(300)).withWatchNamespaces(List.of(NS))
                             .withPackages(PackagesSettings.defaults().withCacheClaim("cache")))) {
            operator.start();
            RedisClient r = RedisClient.create(REDIS.url());
            TaskLifecycleScenarios scenarios = new TaskLifecycleScenarios(client, NS, r.connect().sync());
            scenarios.createTask("perm", s -> s.setTtlSecondsAfterFinished(0));
            scenarios.createPod("perm");
            scenarios.podRunning("perm");
            scenarios.awaitPhase("perm", TaskPhase.Running, null);
            // the run needs an environment of the shared cache: its build Job is looked for and made
            String taskId = scenarios.awaitTaskId("perm");
            String key = PackagesKey.of("0".repeat(64), "", List.of("tabulate"));
            r.connect().sync().xadd(StreamKeys.status(taskId), Map.of("kind", "packages", "task_id", taskId,
                    "state", "needed", "key", key, "base", "0".repeat(64), "requirements", "[\"tabulate\"]"));
            scenarios.runnerStatus(taskId, RunnerStatus.RUNNING, null);
            await().atMost(TaskLifecycleScenarios.WAIT).until(() ->
                    client.batch().v1().jobs().inNamespace(NS).withName(PackageBuilds.jobName(key)).get() != null);
            scenarios.editSpec("perm", s -> s.setCancelRequested(true));
            await().atMost(TaskLifecycleScenarios.WAIT).until(() -> scenarios.task("perm") == null);
            r.shutdown();
            operator.stop();
            used = usedBy(OPERATOR_AGENT);
        }
        // every rule is a call, except the one admission checks when the Job's owner reference blocks deletion
        assertThat(used).as("API calls the operator made").isEqualTo(declared(KubernetesPermissions.OPERATOR.stream()
                .filter(r -> !r.equals(KubernetesPermissions.OPERATOR_BLOCK_OWNER_DELETION)).toList()));
    }

    private Set<String> usedBy(String agent) throws InterruptedException {
        Set<String> used = new TreeSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            String ua = request.getHeader("User-Agent");
            if (ua == null || !ua.contains(agent)) {
                continue;
            }
            Matcher m = PATH.matcher(request.getPath());
            assertThat(m.matches()).as("unexpected path %s", request.getPath()).isTrue();
            String group = m.group(1) == null ? "" : m.group(1);
            String resource = m.group(2) + (m.group(4) == null ? "" : "/" + m.group(4));
            boolean named = m.group(3) != null;
            String query = m.group(5) == null ? "" : m.group(5);
            String verb = switch (request.getMethod()) {
                case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> named ? "delete" : "deletecollection";
                default -> request.getMethod();
            };
            if (Set.of("jobs", "pods", "configmaps").contains(resource) && Set.of("list", "watch").contains(verb)) {
                // informers only on what the operator owns
                assertThat(query).as(request.getPath()).contains("labelSelector=app.kubernetes.io%2Fmanaged-by%3Dwaldiez-operator");
            }
            used.add(group + " " + resource + " " + verb);
        }
        return used;
    }

    static Set<String> declared(List<PolicyRule> rules) {
        Set<String> all = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String g : rule.apiGroups()) {
                for (String res : rule.resources()) {
                    for (String v : rule.verbs()) {
                        all.add(g + " " + res + " " + v);
                    }
                }
            }
        }
        return all;
    }
}
