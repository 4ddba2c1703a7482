package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.lettuce.core.RedisClient;
import io.waldiez.runner.crd.TaskPhase;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import redis.embedded.RedisServer;

/**
 * The Spring Boot application as deployed: settings bound from properties, the operator started
 * on ApplicationReadyEvent, health and Prometheus endpoints.
 */
@EnableKubernetesMockClient(crud = true)
// metrics export is off in Spring Boot tests unless asked for
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// close the context (and stop its operator) with the class: it must not keep running during other tests
@DirtiesContext
class OperatorApplicationTest {

    static KubernetesMockServer server;
    static KubernetesClient client;
    static RedisServer redis;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        int port = TestRedis.freePort();
        redis = TestRedis.start(port);
        registry.add("waldiez.operator.redis-url", () -> "redis://127.0.0.1:" + port);
        registry.add("waldiez.operator.watch-namespaces", () -> "app-test");
        registry.add("waldiez.operator.default-image", () -> "example.org/waldiez/runner:9");
        registry.add("waldiez.operator.cancel-grace", () -> "3s");
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis.isActive()) {
            redis.stop();
        }
    }

    @TestConfiguration
    static class MockCluster {
        @Bean
        @Primary
        KubernetesClient mockClient() {
            OperatorHarness.installCrd(client);
            return client;
        }
    }

    @Autowired
    OperatorSettings settings;
    @LocalServerPort
    int port;

    @Test
    void bindsSettingsReconcilesAndServesHealthAndMetrics() throws IOException {
        assertThat(settings.watchNamespaces()).isEqualTo(List.of("app-test"));
        assertThat(settings.cancelGrace()).hasSeconds(3);
        assertThat(settings.runnerRedisUrl()).isEqualTo(settings.redisUrl()).doesNotContain("@");
        assertThat(settings.toString()).doesNotContain("redis://");
        assertThat(settings.taskWorkdir()).isEqualTo(new OperatorSettings.TaskWorkdir("Memory", "256Mi"));

        RedisClient r = RedisClient.create(settings.redisUrl());
        TaskLifecycleScenarios scenarios = new TaskLifecycleScenarios(client, "app-test", r.connect().sync());
        scenarios.createTask("from-app", s -> { });
        assertThat(scenarios.awaitJob("from-app").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("example.org/waldiez/runner:9");
        scenarios.awaitPhase("from-app", TaskPhase.Pending, "JobCreated");
        r.shutdown();

        RestClient http = RestClient.create("http://127.0.0.1:" + port);
        assertThat(http.get().uri("/actuator/health").retrieve().body(String.class)).contains("\"status\":\"UP\"");
        // the operator's own component: informers and the Redis status reader are healthy
        assertThat(http.get().uri("/actuator/health/operator").retrieve().body(String.class)).contains("\"status\":\"UP\"");
        await().atMost(TaskLifecycleScenarios.WAIT).untilAsserted(() -> {
            String metrics = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
            assertThat(metrics).contains("waldiez_tasks{phase=\"Pending\"} 1.0");
            assertThat(metrics).contains("operator_sdk");
        });

        // Redis gone: the operator reports itself DOWN (liveness restarts it if it stays so)
        redis.stop();
        await().atMost(TaskLifecycleScenarios.WAIT).untilAsserted(() -> {
            String health = http.get().uri("/actuator/health/operator").exchange((req, res) ->
                    res.getStatusCode().value() + " " + new String(res.getBody().readAllBytes()), true);
            assertThat(health).startsWith("503").contains("DOWN");
        });
    }
}
