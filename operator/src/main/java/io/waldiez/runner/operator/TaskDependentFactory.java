package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.dependent.DependentResourceSpec;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResourceFactory;

/** Builds the Job dependent with its settings (constructor injection); JOSDK builds the others. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class TaskDependentFactory implements DependentResourceFactory<ControllerConfiguration<?>, DependentResourceSpec> {

    private final OperatorSettings settings;

    TaskDependentFactory(OperatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public DependentResource createFrom(DependentResourceSpec spec, ControllerConfiguration<?> configuration) {
        if (spec.getDependentResourceClass() == TaskJobDependent.class) {
            TaskJobDependent job = new TaskJobDependent(settings);
            configure(job, spec, configuration);
            return job;
        }
        return DependentResourceFactory.DEFAULT.createFrom(spec, configuration);
    }

    @Override
    public Class<?> associatedResourceType(DependentResourceSpec spec) {
        return spec.getDependentResourceClass() == TaskJobDependent.class ? Job.class
                : DependentResourceFactory.DEFAULT.associatedResourceType(spec);
    }
}
