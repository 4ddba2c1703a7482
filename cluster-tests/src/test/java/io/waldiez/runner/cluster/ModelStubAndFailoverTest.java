package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.TaskPhase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flow that calls a model outside the cluster (an OpenAI-compatible stub on the node), and the
 * operator losing its leader mid-run: the second replica takes over and the task keeps one Job.
 */
class ModelStubAndFailoverTest {

    static final String NS = ChartRelease.NAMESPACE;

    @BeforeAll
    static void install() {
        ChartRelease.ensureInstalled();
    }

    @Test
    void aFlowCallsAModelStubOutsideTheClusterWithItsKeyFromASecret() throws IOException {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        // on the node's address: reachable from pods through the bridge, from nowhere else
        HttpServer stub = HttpServer.create(new InetSocketAddress(Cluster.NODE_IP, 0), 0);
        stub.createContext("/v1/chat/completions", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"stub-echo-model\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"pong from the stub\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        try {
            ObjectNode flow = (ObjectNode) ApiClient.JSON.readTree(Files.readString(
                    Cluster.REPO.resolve("runner-image/tests/flows/llm_echo.waldiez")));
            ((ObjectNode) flow.at("/data/models/0/data")).put("baseUrl",
                    "http://" + Cluster.NODE_IP + ":" + stub.getAddress().getPort() + "/v1");
            Cluster.client().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("model-key")
                    .endMetadata().withStringData(Map.of("key", "sk-cluster-tier")).build()).createOr(s -> s.update());
            Cluster.client().configMaps().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName("llm-flow").endMetadata()
                    .withData(Map.of("flow.waldiez", flow.toString())).build()).createOr(c -> c.update());
            io.waldiez.runner.crd.WaldiezTask task = new io.waldiez.runner.crd.WaldiezTask();
            task.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("llm").withNamespace(NS).build());
            io.waldiez.runner.crd.WaldiezTaskSpec spec = new io.waldiez.runner.crd.WaldiezTaskSpec();
            spec.setFlow(io.waldiez.runner.crd.FlowSource.ofConfigMap("llm-flow", "flow.waldiez"));
            spec.setEnv(List.of(new EnvVar("OPENAI_API_KEY", null,
                    new EnvVarSourceBuilder().withNewSecretKeyRef("key", "model-key", false).build())));
            task.setSpec(spec);
            Cluster.client().resource(task).create();
            Tasks.awaitPhase(NS, "llm", TaskPhase.Succeeded, "Completed");
            assertThat(authorizations).isNotEmpty().allMatch("Bearer sk-cluster-tier"::equals);
            assertThat(Cluster.kubectl("-n", NS, "logs", "job/wt-llm").ok().out()).contains("pong from the stub");
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void theSecondOperatorReplicaTakesOverMidRunAndTheTaskKeepsOneJob() {
        Tasks.create(NS, "failover", "dummy_with_input.waldiez", s -> s.setInputTimeoutSeconds(600));
        Tasks.awaitPhase(NS, "failover", TaskPhase.WaitingForInput, "InputRequested");
        Lease lease = Cluster.client().leases().inNamespace(NS).withName("waldiez-operator-lease").get();
        String leader = lease.getSpec().getHolderIdentity();
        assertThat(leader).startsWith(ChartRelease.FULLNAME + "-operator");
        Cluster.kubectl("-n", NS, "delete", "pod", leader, "--wait=false").ok();
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            String holder = Cluster.client().leases().inNamespace(NS).withName("waldiez-operator-lease").get()
                    .getSpec().getHolderIdentity();
            return holder != null && !holder.equals(leader);
        });
        // the new leader reconciles the running task: a cancel goes through it
        Cluster.kubectl("-n", NS, "patch", "wt", "failover", "--type", "merge", "-p", "{\"spec\":{\"cancelRequested\":true}}").ok();
        Tasks.awaitPhase(NS, "failover", TaskPhase.Cancelled, null);
        assertThat(Cluster.client().batch().v1().jobs().inNamespace(NS)
                .withLabel(Labels.TASK_NAME, "failover").list().getItems()).hasSizeLessThanOrEqualTo(1);
        assertThat(Tasks.get(NS, "failover").getStatus().getJobName()).isEqualTo("wt-failover");
    }

    @Test
    void aFinishedTaskIsDeletedWithItsJobAfterItsTtl() {
        Tasks.create(NS, "ttl", "valid.waldiez", s -> s.setTtlSecondsAfterFinished(5));
        await().atMost(Tasks.WAIT).until(() -> Tasks.get(NS, "ttl") == null);
        await().atMost(Duration.ofMinutes(1)).until(() ->
                Cluster.client().batch().v1().jobs().inNamespace(NS).withName("wt-ttl").get() == null);
    }
}
