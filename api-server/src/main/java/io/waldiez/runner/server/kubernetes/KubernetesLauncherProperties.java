package io.waldiez.runner.server.kubernetes;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * {@code waldiez.launcher.kubernetes.*}: settings of the Kubernetes launcher (mode {@code kubernetes}).
 *
 * @param namespace where tasks, their ConfigMaps and Secrets are made and watched; empty: the client's
 *     own namespace (the pod's service-account namespace in a cluster, the kubeconfig context's outside)
 * @param apiServerUrl Kubernetes API URL; empty (the default): in-cluster service account, else kubeconfig,
 *     exactly as fabric8 auto-configures. Meant for development and tests
 * @param runnerImage runner image written to each task's {@code spec.image}; empty: the operator's default
 * @param ttlAfterFinished {@code spec.ttlSecondsAfterFinished} of the tasks this server makes; the operator
 *     deletes them after it, but only once this server has archived them (annotation {@code waldiez.io/archived})
 * @param pendingDeadline {@code spec.pendingDeadlineSeconds}: how long a pod may stay unstarted (image pull,
 *     scheduling) before the task fails; zero: the CRD's default
 * @param informerResync how often the status mirror re-examines every cached task (catches tasks deleted
 *     through the API, and any missed update)
 * @param startTimeout how long start-up waits for the first list of tasks before failing
 */
@ConfigurationProperties("waldiez.launcher.kubernetes")
public record KubernetesLauncherProperties(
        String namespace,
        String apiServerUrl,
        String runnerImage,
        @DefaultValue("1h") Duration ttlAfterFinished,
        @DefaultValue("0s") Duration pendingDeadline,
        @DefaultValue("5m") Duration informerResync,
        @DefaultValue("60s") Duration startTimeout) {

    public boolean hasNamespace() {
        return StringUtils.hasText(namespace);
    }

    public boolean hasApiServerUrl() {
        return StringUtils.hasText(apiServerUrl);
    }

    public boolean hasRunnerImage() {
        return StringUtils.hasText(runnerImage);
    }
}
