package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;

/**
 * The ConfigMap holding an inline flow. Create-only: the Job that mounts it is immutable too, so
 * a later spec change must not change what a running task reads. Removed with the task through
 * its controller owner reference.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class FlowConfigMapDependent extends KubernetesDependentResource<ConfigMap, WaldiezTask>
        implements Creator<ConfigMap, WaldiezTask>, GarbageCollected<WaldiezTask> {

    public FlowConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(WaldiezTask task, Context<WaldiezTask> context) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(TaskIds.flowConfigMapName(task))
                .withNamespace(task.getMetadata().getNamespace())
                .withLabels(TaskJobDependent.labels(task))
                .withOwnerReferences(TaskJobDependent.controllerReference(task))
                .endMetadata()
                .withImmutable(true)
                .addToData(TaskIds.FLOW_KEY, task.getSpec().getFlow().getInline())
                .build();
    }
}
