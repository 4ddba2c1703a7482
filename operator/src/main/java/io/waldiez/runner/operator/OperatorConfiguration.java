package io.waldiez.runner.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.protocol.ProtocolCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Wires the JOSDK operator by hand (no Spring Boot starter for JOSDK 5.2 resolves). */
@Configuration(proxyBeanMethods = false)
public class OperatorConfiguration {

    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(OperatorSettings settings) {
        return createRedisClient(settings);
    }

    /**
     * Commands fail fast while Redis is unreachable (instead of queueing until a 60 s timeout), so
     * the status reader reports itself unhealthy and reconciles that cancel retry.
     */
    public static RedisClient createRedisClient(OperatorSettings settings) {
        RedisClient client = RedisClient.create(settings.redisUrl());
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)))
                .build());
        return client;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ProtocolCodec protocolCodec() {
        return new ProtocolCodec();
    }

    @Bean
    TaskMetrics taskMetrics(MeterRegistry registry) {
        return new TaskMetrics(registry);
    }

    @Bean
    StatusRecorder statusRecorder(KubernetesClient client, Clock clock) {
        String instance = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("waldiez-operator");
        return new StatusRecorder(new TaskEvents(client, clock, instance), clock);
    }

    @Bean
    PackageBuilds packageBuilds(OperatorSettings settings, MeterRegistry registry) {
        return new PackageBuilds(settings, registry);
    }

    @Bean(destroyMethod = "close")
    WaldiezTaskReconciler waldiezTaskReconciler(OperatorSettings settings, RedisClient redis, ProtocolCodec codec,
                                                StatusRecorder recorder, TaskMetrics metrics, Clock clock,
                                                PackageBuilds packageBuilds) {
        return new WaldiezTaskReconciler(settings, redis, codec, recorder, metrics, clock, packageBuilds);
    }

    @Bean(destroyMethod = "stop")
    JosdkOverrides.WaldiezOperator operator(KubernetesClient client, OperatorSettings settings, MeterRegistry registry,
                      WaldiezTaskReconciler reconciler) {
        // controller-level meters only: per-resource tags would grow with every task
        MicrometerMetrics metrics = MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();
        return JosdkOverrides.create(client, settings, metrics, reconciler);
    }

    @Bean
    OperatorHealth operatorHealthIndicator(JosdkOverrides.WaldiezOperator operator) {
        return new OperatorHealth(operator);
    }

    /** Starts reconciling once the application (health endpoint included) is up. */
    @Bean
    OperatorStarter operatorStarter(JosdkOverrides.WaldiezOperator operator) {
        return new OperatorStarter(operator);
    }

    static final class OperatorStarter {
        private final JosdkOverrides.WaldiezOperator operator;

        OperatorStarter(JosdkOverrides.WaldiezOperator operator) {
            this.operator = operator;
        }

        @EventListener(ApplicationReadyEvent.class)
        public void start() {
            operator.start();
        }
    }
}
