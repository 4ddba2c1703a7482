package io.waldiez.runner.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Duration;

/**
 * Every JOSDK override in one place, used by the application and by the tests alike, so tests
 * run what production runs.
 */
public final class JosdkOverrides {

    private JosdkOverrides() {
    }

    public static void apply(ConfigurationServiceOverrider o, KubernetesClient client, OperatorSettings settings,
                             Metrics metrics) {
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
            o.withLeaderElectionConfiguration(le.leaseNamespace() == null || le.leaseNamespace().isBlank()
                    ? new LeaderElectionConfiguration(le.leaseName())
                    : new LeaderElectionConfiguration(le.leaseName(), le.leaseNamespace()));
        }
    }

    /** A configured operator with the task reconciler registered (not started). */
    public static Operator create(KubernetesClient client, OperatorSettings settings, Metrics metrics,
                                  WaldiezTaskReconciler reconciler) {
        Operator operator = new Operator(o -> apply(o, client, settings, metrics));
        operator.register(reconciler, c -> {
            if (settings.watchNamespaces() != null && !settings.watchNamespaces().isEmpty()) {
                c.settingNamespaces(settings.watchNamespaces().toArray(String[]::new));
            }
        });
        return operator;
    }
}
