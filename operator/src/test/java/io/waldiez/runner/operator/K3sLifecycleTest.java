package io.waldiez.runner.operator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.lettuce.core.RedisClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same lifecycle as {@link TaskLifecycleMockTest}, against a real k3s cluster with a real
 * Job controller and kubelet running the runner image. Needs a Docker engine and the runner image
 * ({@code -Dwaldiez.runner.image=...}); skipped, with the reason, where either is missing.
 */
class K3sLifecycleTest {

    static final String NS = "waldiez-it";
    static final String RUNNER_IMAGE = System.getProperty("waldiez.runner.image");
    static K3sContainer k3s;
    static GenericContainer<?> redis;
    static KubernetesClient client;
    static OperatorHarness operator;
    static RedisClient redisClient;

    /** Per test (not per class) so that surefire reports the skip and its reason. */
    @BeforeEach
    void cluster() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "No Docker engine: the real-cluster (k3s) lifecycle test is skipped; the same scenarios ran against "
                        + "the fabric8 mock server in TaskLifecycleMockTest");
        assumeTrue(RUNNER_IMAGE != null && !RUNNER_IMAGE.isBlank(),
                "Set -Dwaldiez.runner.image=<runner image reachable by k3s> to run the real-cluster lifecycle test");
        if (k3s != null) {
            return;
        }
        Network network = Network.newNetwork();
        redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withNetwork(network).withExposedPorts(6379);
        redis.start();
        k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1")).withNetwork(network);
        k3s.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
        OperatorHarness.installCrd(client);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        // pods reach Redis on the Docker network; the operator (in this JVM) through the mapped port
        String redisIp = redis.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
        String redisUrl = "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
        redisClient = RedisClient.create(redisUrl);
        operator = new OperatorHarness(client, new OperatorSettings(RUNNER_IMAGE, List.of(NS), redisUrl,
                "redis://" + redisIp + ":6379/0", "operator", java.time.Duration.ofSeconds(5), java.time.Duration.ofDays(1),
                java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(60), 4,
                new OperatorSettings.LeaderElection(false, "waldiez-operator-lease", null),
                new OperatorSettings.TaskWorkdir(OperatorSettings.TaskWorkdir.MEMORY, "256Mi")));
        operator.start();
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.close();
        }
        if (redisClient != null) {
            redisClient.shutdown();
        }
        if (client != null) {
            client.close();
        }
        if (k3s != null) {
            k3s.stop();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void aRealRunnerCompletesTheValidFlow() {
        new TaskLifecycleScenarios(client, NS, redisClient.connect().sync()).successWithInput("k3s-valid", false);
    }
}
