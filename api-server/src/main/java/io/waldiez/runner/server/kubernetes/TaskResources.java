package io.waldiez.runner.server.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.server.launch.TaskLaunch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names and shapes of what the API server makes for a task: the WaldiezTask {@code task-<id>}, its
 * flow ConfigMap {@code task-<id>-flow} and, with env vars, its Secret {@code task-<id>-env}. Pure
 * functions, so the launcher stays about calls and errors.
 */
public final class TaskResources {

    /** Key of the flow in the ConfigMap (the operator mounts it as {@code /flow/flow.waldiez}). */
    public static final String FLOW_KEY = "flow.waldiez";
    /** {@code app.kubernetes.io/managed-by} of the API server's objects (not the operator's value: its informers select on theirs). */
    public static final String MANAGED_BY_API_SERVER = "waldiez-api-server";

    private TaskResources() {
    }

    public static String taskName(String taskId) {
        return "task-" + taskId;
    }

    public static String flowConfigMapName(String taskId) {
        return taskName(taskId) + "-flow";
    }

    public static String envSecretName(String taskId) {
        return taskName(taskId) + "-env";
    }

    /** Same rule as the operator: label {@code waldiez.io/task-id}, else {@code metadata.uid} (kubectl-made tasks). */
    public static String taskIdOf(WaldiezTask task) {
        Map<String, String> labels = task.getMetadata().getLabels();
        String label = labels == null ? null : labels.get(Labels.TASK_ID);
        return label != null && !label.isBlank() ? label : task.getMetadata().getUid();
    }

    /** Made by this (or another) API server: the operator keeps such tasks until they are archived. */
    public static boolean isApiManaged(WaldiezTask task) {
        Map<String, String> labels = task.getMetadata().getLabels();
        return labels != null && labels.containsKey(Labels.CLIENT_ID);
    }

    public static boolean isTerminal(WaldiezTask task) {
        WaldiezTaskStatus s = task.getStatus();
        return s != null && s.getPhase() != null && s.getPhase().isTerminal();
    }

    public static boolean isArchived(WaldiezTask task) {
        Map<String, String> annotations = task.getMetadata().getAnnotations();
        return annotations != null && "true".equalsIgnoreCase(annotations.get(Labels.ARCHIVED));
    }

    static Map<String, String> labels(TaskLaunch launch) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.TASK_ID, launch.taskId());
        labels.put(Labels.CLIENT_ID, launch.clientId());
        labels.put(Labels.MANAGED_BY, MANAGED_BY_API_SERVER);
        labels.put(Labels.COMPONENT, Labels.COMPONENT_TASK);
        return labels;
    }

    /** The WaldiezTask of a run: flow by ConfigMap reference, env by Secret reference, never values. */
    static WaldiezTask task(TaskLaunch launch, String namespace, KubernetesLauncherProperties props, Duration maxDuration) {
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofConfigMap(flowConfigMapName(launch.taskId()), FLOW_KEY));
        // CRD bounds: 1..86400
        spec.setInputTimeoutSeconds(Math.max(1, Math.min(86400, launch.inputTimeoutSeconds())));
        spec.setSkipDeps(launch.skipDeps());
        spec.setPackagesOnly(launch.packagesOnly() ? Boolean.TRUE : null);
        if (!launch.envVars().isEmpty()) {
            spec.setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef()
                    .withName(envSecretName(launch.taskId())).withOptional(false).endSecretRef().build()));
        }
        if (props.hasRunnerImage()) {
            spec.setImage(props.runnerImage());
        }
        if (props.ttlAfterFinished() != null && !props.ttlAfterFinished().isNegative()) {
            spec.setTtlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, props.ttlAfterFinished().toSeconds()));
        }
        if (props.pendingDeadline() != null && props.pendingDeadline().toSeconds() > 0) {
            spec.setPendingDeadlineSeconds((int) Math.min(86400, props.pendingDeadline().toSeconds()));
        }
        // Same bound as a local run (waldiez.tasks.max-duration): the Job's activeDeadlineSeconds.
        if (maxDuration != null && maxDuration.toSeconds() > 0) {
            spec.setActiveDeadlineSeconds(maxDuration.toSeconds());
        }
        WaldiezTask task = new WaldiezTask();
        task.setMetadata(new ObjectMetaBuilder().withName(taskName(launch.taskId())).withNamespace(namespace)
                .withLabels(labels(launch)).build());
        task.setSpec(spec);
        return task;
    }

    /** Owned by the task (not its controller: the operator is), so deleting the task removes it. */
    static OwnerReference ownedBy(WaldiezTask created) {
        return new OwnerReferenceBuilder().withApiVersion(created.getApiVersion()).withKind(created.getKind())
                .withName(created.getMetadata().getName()).withUid(created.getMetadata().getUid()).build();
    }

    static ConfigMap flowConfigMap(TaskLaunch launch, WaldiezTask owner) {
        return new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(flowConfigMapName(launch.taskId()))
                        .withNamespace(owner.getMetadata().getNamespace()).withLabels(labels(launch))
                        .withOwnerReferences(ownedBy(owner)).build())
                .withImmutable(true)
                .addToData(FLOW_KEY, new String(launch.flow(), StandardCharsets.UTF_8))
                .build();
    }

    static Secret envSecret(TaskLaunch launch, WaldiezTask owner) {
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(envSecretName(launch.taskId()))
                        .withNamespace(owner.getMetadata().getNamespace()).withLabels(labels(launch))
                        .withOwnerReferences(ownedBy(owner)).build())
                .withType("Opaque")
                .withImmutable(true)
                .withStringData(new LinkedHashMap<>(launch.envVars()))
                .build();
    }
}
