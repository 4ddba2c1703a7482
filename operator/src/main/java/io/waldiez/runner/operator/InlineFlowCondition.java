package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.waldiez.runner.crd.WaldiezTask;

/** The flow ConfigMap exists only for inline flows. */
public class InlineFlowCondition implements Condition<ConfigMap, WaldiezTask> {
    @Override
    public boolean isMet(DependentResource<ConfigMap, WaldiezTask> dependent, WaldiezTask task, Context<WaldiezTask> context) {
        return task.getSpec() != null && task.getSpec().getFlow() != null && task.getSpec().getFlow().getInline() != null;
    }
}
