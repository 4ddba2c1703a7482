package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.protocol.ExitCodes;
import io.waldiez.runner.protocol.TaskAcl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job that runs the flow. Create-only (a Job's template is immutable, and agent runs are not
 * idempotent): no Updater, so an existing Job is never touched, and its deterministic name means a
 * restarted operator finds it instead of creating a second one.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class TaskJobDependent extends KubernetesDependentResource<Job, WaldiezTask>
        implements Creator<Job, WaldiezTask>, GarbageCollected<WaldiezTask> {

    public static final String CONTAINER = "runner";
    public static final long RUNNER_UID = 10001L;

    private final OperatorSettings settings;

    public TaskJobDependent(OperatorSettings settings) {
        super(Job.class);
        this.settings = settings;
    }

    @Override
    protected Job desired(WaldiezTask task, Context<WaldiezTask> context) {
        return desiredJob(task, settings);
    }

    /** The Job of a task; a pure function so that tests can check every field. */
    public static Job desiredJob(WaldiezTask task, OperatorSettings settings) {
        WaldiezTaskSpec spec = task.getSpec();
        Map<String, String> jobLabels = new LinkedHashMap<>(labels(task));
        boolean queued = spec.getQueueName() != null && !spec.getQueueName().isBlank();
        if (queued) {
            jobLabels.put(Labels.KUEUE_QUEUE_NAME, spec.getQueueName());
        }
        String image = spec.getImage() == null || spec.getImage().isBlank() ? settings.defaultImage() : spec.getImage();
        FlowSource flow = spec.getFlow();
        String flowConfigMap = flow.getInline() != null ? TaskIds.flowConfigMapName(task) : flow.getConfigMapKeyRef().getName();
        String flowKey = flow.getInline() != null ? TaskIds.FLOW_KEY : flow.getConfigMapKeyRef().getKey();

        // User variables first, ours last: for duplicate names the last one wins, so a task cannot
        // point the runner at another task's id or another Redis.
        List<EnvVar> env = new ArrayList<>(spec.getEnv() == null ? List.of() : spec.getEnv());
        env.add(new EnvVar("HOME", "/work", null));
        env.add(new EnvVar("WALDIEZ_WORKDIR", "/work", null));
        env.add(new EnvVar("WALDIEZ_TASK_ID", TaskIds.of(task), null));
        env.add(new EnvVar("WALDIEZ_FLOW_PATH", TaskIds.FLOW_PATH, null));
        env.add(new EnvVar("WALDIEZ_INPUT_TIMEOUT", Integer.toString(spec.inputTimeoutOrDefault()), null));
        // The run's own Redis user (protocol v2): its password only by reference to the task's own Secret.
        env.add(new EnvVar("WALDIEZ_REDIS_URL", settings.runnerRedisUrl(), null));
        env.add(new EnvVar("WALDIEZ_REDIS_USERNAME", TaskAcl.userName(TaskIds.of(task)), null));
        env.add(new EnvVarBuilder().withName("WALDIEZ_REDIS_PASSWORD").withNewValueFrom().withNewSecretKeyRef()
                .withName(TaskIds.runRedisSecretName(task)).withKey(RunRedisCredentials.PASSWORD_KEY).endSecretKeyRef()
                .endValueFrom().build());

        return new JobBuilder()
                .withNewMetadata()
                .withName(TaskIds.jobName(task))
                .withNamespace(task.getMetadata().getNamespace())
                .withLabels(jobLabels)
                .withOwnerReferences(controllerReference(task))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(spec.backoffLimitOrDefault())
                .withActiveDeadlineSeconds(spec.getActiveDeadlineSeconds())
                // Kueue admits a queued Job by unsuspending it; created suspended so it never starts
                // before admission. The operator never writes suspend again.
                .withSuspend(queued ? Boolean.TRUE : null)
                .withNewPodFailurePolicy()
                .withRules(new PodFailurePolicyRuleBuilder().withAction("FailJob").withNewOnExitCodes()
                                .withContainerName(CONTAINER).withOperator("In")
                                .withValues(ExitCodes.FLOW_FAILED, ExitCodes.INVALID_FLOW, ExitCodes.CANCELLED,
                                        ExitCodes.INFRASTRUCTURE)
                                .endOnExitCodes().build(),
                        new PodFailurePolicyRuleBuilder().withAction("Ignore")
                                .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition()
                                .build())
                .endPodFailurePolicy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels(task)).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true).withRunAsUser(RUNNER_UID).withRunAsGroup(RUNNER_UID).withFsGroup(RUNNER_UID)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withEnv(env)
                .withEnvFrom(spec.getEnvFrom() == null ? List.of() : spec.getEnvFrom())
                .withResources(spec.getResources())
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false)
                        .withCapabilities(new Capabilities(null, List.of("ALL")))
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .addNewVolumeMount().withName("flow").withMountPath(TaskIds.FLOW_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("flow").withNewConfigMap().withName(flowConfigMap)
                .addNewItem().withKey(flowKey).withPath(TaskIds.FLOW_KEY).endItem().endConfigMap().endVolume()
                .addNewVolume().withName("work").withEmptyDir(workdir(settings.taskWorkdir())).endVolume()
                .addNewVolume().withName("tmp").withEmptyDir(workdir(settings.taskWorkdir())).endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** A writable emptyDir of the task pod: medium and sizeLimit only when set (empty = Kubernetes' default). */
    static EmptyDirVolumeSource workdir(OperatorSettings.TaskWorkdir workdir) {
        return new EmptyDirVolumeSourceBuilder()
                .withMedium(workdir.medium().isEmpty() ? null : workdir.medium())
                .withSizeLimit(workdir.sizeLimit().isEmpty() ? null : new Quantity(workdir.sizeLimit()))
                .build();
    }

    /** Labels of everything the operator makes for a task; the informers select on managed-by. */
    static Map<String, String> labels(WaldiezTask task) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_OPERATOR);
        labels.put(Labels.COMPONENT, Labels.COMPONENT_TASK);
        labels.put(Labels.TASK_NAME, TaskIds.boundedName(task.getMetadata().getName()));
        labels.put(Labels.TASK_ID, TaskIds.of(task));
        return labels;
    }

    /** Set explicitly: JOSDK's own reference for GarbageCollected dependents is not a controller reference. */
    static OwnerReference controllerReference(WaldiezTask task) {
        return new OwnerReferenceBuilder()
                .withApiVersion(task.getApiVersion())
                .withKind(task.getKind())
                .withName(task.getMetadata().getName())
                .withUid(task.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
