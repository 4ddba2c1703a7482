package io.waldiez.runner.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every JOSDK override in one place, used by the application and by the tests alike, so tests
 * run what production runs.
 */
public final class JosdkOverrides {

    private static final Logger log = LoggerFactory.getLogger(JosdkOverrides.class);

    private JosdkOverrides() {
    }

    public static void apply(ConfigurationServiceOverrider o, KubernetesClient client, OperatorSettings settings,
                             Metrics metrics, AtomicBoolean stopping) {
        o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                // Server-side apply off, for the primary's status and for dependents: JSON (merge)
                // patches behave the same on every API server, including fabric8's mock (no SSA).
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .checkingCRDAndValidateLocalModel(false)
                .withConcurrentReconciliationThreads(settings.reconcileThreads())
                .withCacheSyncTimeout(Duration.ofMinutes(2))
                .withReconciliationTerminationTimeout(Duration.ofSeconds(10))
                .withDependentResourceFactory(new TaskDependentFactory(settings))
                .withMetrics(metrics);
        OperatorSettings.LeaderElection le = settings.leaderElection();
        if (le != null && le.enabled()) {
            // JOSDK would System.exit when leadership ends, also during a normal shutdown (from a
            // shutdown hook, where exit blocks forever). Exit only when the lease is lost while running.
            LeaderCallbacks callbacks = new LeaderCallbacks(() -> log.info("took the lease, reconciling"), () -> {
                if (!stopping.get()) {
                    log.error("lost the lease while running: exiting so that one leader reconciles");
                    System.exit(1);
                }
            }, leader -> log.info("leader is {}", leader));
            String identity = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
                    .orElse("waldiez-operator-" + UUID.randomUUID());
            o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(le.leaseName(),
                    le.leaseNamespace() == null || le.leaseNamespace().isBlank() ? null : le.leaseNamespace(),
                    LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, identity, callbacks, false));
        }
    }

    /** A configured operator with the task reconciler registered (not started). */
    public static WaldiezOperator create(KubernetesClient client, OperatorSettings settings, Metrics metrics,
                                         WaldiezTaskReconciler reconciler) {
        AtomicBoolean stopping = new AtomicBoolean();
        Operator operator = new Operator(o -> apply(o, client, settings, metrics, stopping));
        operator.register(reconciler, c -> {
            if (settings.watchNamespaces() != null && !settings.watchNamespaces().isEmpty()) {
                c.settingNamespaces(settings.watchNamespaces().toArray(String[]::new));
            }
        });
        return new WaldiezOperator(operator, stopping);
    }

    /** The JOSDK operator with a stop that is known to be a stop (see the leader callbacks). */
    public static final class WaldiezOperator {
        private final Operator operator;
        private final AtomicBoolean stopping;

        WaldiezOperator(Operator operator, AtomicBoolean stopping) {
            this.operator = operator;
            this.stopping = stopping;
        }

        public void start() {
            operator.start();
        }

        public io.javaoperatorsdk.operator.RuntimeInfo runtimeInfo() {
            return operator.getRuntimeInfo();
        }

        public void stop() {
            stopping.set(true);
            operator.stop();
        }
    }
}
