package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.operator.decision.Decision;
import io.waldiez.runner.operator.decision.Decision.Action;
import io.waldiez.runner.operator.decision.JobRefusal;
import io.waldiez.runner.operator.decision.KubernetesFacts;
import io.waldiez.runner.operator.decision.Observation;
import io.waldiez.runner.operator.decision.TaskDecider;
import io.waldiez.runner.protocol.ControlEntry;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.StreamKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a WaldiezTask: observe (task, Job, pod, runner status), decide ({@link TaskDecider}),
 * act (create the Job, send cancel, delete the Job or the task), record the status. The Job and
 * ConfigMap dependents run only when the decision says so (explicit workflow invocation), so a
 * finished or cancelled task never gets a new Job.
 */
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "flow-configmap", type = FlowConfigMapDependent.class,
                reconcilePrecondition = InlineFlowCondition.class),
        @Dependent(name = "job", type = TaskJobDependent.class)})
// not generation-aware: the archived annotation and the task-id label (metadata only) must trigger
// a reconcile too; an unchanged status is not patched again, so this does not loop
@ControllerConfiguration(name = WaldiezTaskReconciler.NAME, generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// failed reconciles (API errors other than a refused Job, Redis down) are retried without a limit,
// at most a minute apart: JOSDK's default gives up after 5 attempts and waits for the 10-minute resync
@GradualRetry(maxAttempts = -1, initialInterval = 2000, intervalMultiplier = 2.0, maxInterval = 60_000)
public class WaldiezTaskReconciler implements Reconciler<WaldiezTask> {

    public static final String NAME = "waldieztask";
    private static final Logger log = LoggerFactory.getLogger(WaldiezTaskReconciler.class);

    private final OperatorSettings settings;
    private final RedisClient redis;
    private final ProtocolCodec codec;
    private final StatusRecorder recorder;
    private final TaskMetrics metrics;
    private final Clock clock;
    private volatile RunnerStatusEventSource runnerStatus;
    private volatile StatefulRedisConnection<String, String> control;

    public WaldiezTaskReconciler(OperatorSettings settings, RedisClient redis, ProtocolCodec codec, StatusRecorder recorder,
                                 TaskMetrics metrics, Clock clock) {
        this.settings = settings;
        this.redis = redis;
        this.codec = codec;
        this.recorder = recorder;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, WaldiezTask>> prepareEventSources(EventSourceContext<WaldiezTask> context) {
        context.getPrimaryCache().addIndexer(RunnerStatusEventSource.TASK_ID_INDEX, t -> List.of(TaskIds.of(t)));
        metrics.bind(context.getPrimaryCache());
        // Pods are owned by the Job, not the task: map them back through the task-id label.
        InformerEventSource<Pod, WaldiezTask> pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, WaldiezTask.class)
                        .withName("pods")
                        .withNamespacesInheritedFromController()
                        .withLabelSelector(Labels.MANAGED_BY_SELECTOR)
                        .withSecondaryToPrimaryMapper(pod -> {
                            String taskId = pod.getMetadata().getLabels() == null ? null
                                    : pod.getMetadata().getLabels().get(Labels.TASK_ID);
                            if (taskId == null) {
                                return Set.of();
                            }
                            return context.getPrimaryCache().byIndex(RunnerStatusEventSource.TASK_ID_INDEX, taskId).stream()
                                    .map(ResourceID::fromResource).collect(Collectors.toSet());
                        })
                        .build(), context);
        runnerStatus = new RunnerStatusEventSource(redis, codec, settings, context.getPrimaryCache());
        return List.of(pods, runnerStatus);
    }

    @Override
    public UpdateControl<WaldiezTask> reconcile(WaldiezTask task, Context<WaldiezTask> context) {
        try (TaskLog ignored = TaskLog.open(task)) {
            if (task.isMarkedForDeletion()) {
                return UpdateControl.noUpdate(); // going away (another controller's finalizer holds it): create nothing
            }
            String taskId = TaskIds.of(task);
            ensureTaskIdLabel(task, context, taskId);

            // observe
            boolean terminal = task.getStatus() != null && task.getStatus().getPhase() != null
                    && task.getStatus().getPhase().isTerminal();
            Optional<RunnerState> runner = terminal ? Optional.empty() : context.getSecondaryResource(RunnerState.class);
            Observation observation = observe(task, context, runner);

            // decide
            Decision decision = TaskDecider.decide(observation); // reassigned if the Job is refused

            // act
            if (decision.has(Action.DELETE_TASK)) {
                log.info("deleting the task: ttlSecondsAfterFinished passed{}",
                        observation.apiManaged() && !observation.archived() ? " (not archived, archive wait exceeded)" : "");
                context.getClient().resources(WaldiezTask.class).inNamespace(task.getMetadata().getNamespace())
                        .withName(task.getMetadata().getName()).delete();
                runnerStatus.forget(taskId);
                return UpdateControl.noUpdate();
            }
            String jobName = task.getStatus() == null ? null : task.getStatus().getJobName();
            if (observation.job().exists()) {
                jobName = TaskIds.jobName(task); // also records a Job created just before a crash
            }
            if (decision.has(Action.CREATE_JOB)) {
                log.info("creating Job {}", TaskIds.jobName(task));
                Optional<JobRefusal> refused = createJob(context);
                if (refused.isPresent()) {
                    log.warn("the API server refused the Job ({}): {}", refused.get().apiReason(), refused.get().message());
                    Instant since = StatusRecorder.jobRefusedSince(task.getStatus());
                    decision = TaskDecider.refused(observation, Instant.parse(task.getMetadata().getCreationTimestamp()),
                            since == null ? observation.now() : since, refused.get());
                } else {
                    jobName = TaskIds.jobName(task);
                }
            }
            if (decision.has(Action.SEND_CANCEL)) {
                sendCancel(taskId);
            }
            if (decision.has(Action.DELETE_JOB) && observation.job().exists()) {
                log.info("deleting Job {} ({})", TaskIds.jobName(task), decision.reason());
                context.getClient().batch().v1().jobs().inNamespace(task.getMetadata().getNamespace())
                        .withName(TaskIds.jobName(task)).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            }

            // record, then acknowledge the runner entries this status reflects
            recorder.record(task, context, decision, taskId, jobName, decision.has(Action.SEND_CANCEL));
            runner.ifPresent(r -> runnerStatus.acknowledge(taskId, r.unacked()));
            if (decision.phase() != null && decision.phase().isTerminal()) {
                runnerStatus.acknowledgeAll(taskId);
                runnerStatus.forget(taskId);
            }
            UpdateControl<WaldiezTask> control = UpdateControl.noUpdate();
            return decision.recheckAfter() == null ? control : control.rescheduleAfter(decision.recheckAfter());
        }
    }

    /**
     * Creates the flow ConfigMap and the Job (the workflow's dependents). A refusal by the API
     * server (4xx other than a conflict) is returned, to be shown on the task and retried by
     * rescheduling; anything else is thrown to JOSDK's retry.
     */
    private static Optional<JobRefusal> createJob(Context<WaldiezTask> context) {
        try {
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
                    .throwAggregateExceptionIfErrorsPresent();
            return Optional.empty();
        } catch (AggregatedOperatorException e) {
            for (Exception each : e.getAggregatedExceptions().values()) {
                for (Throwable t = each; t != null; t = t.getCause()) {
                    if (t instanceof KubernetesClientException k && k.getCode() >= 400 && k.getCode() < 500
                            && k.getCode() != 409) {
                        Status status = k.getStatus();
                        String reason = status != null && status.getReason() != null ? status.getReason() : "HTTP" + k.getCode();
                        String message = status != null && status.getMessage() != null ? status.getMessage() : k.getMessage();
                        return Optional.of(new JobRefusal(reason, message));
                    }
                }
            }
            throw e;
        }
    }

    private Observation observe(WaldiezTask task, Context<WaldiezTask> context, Optional<RunnerState> runner) {
        WaldiezTaskSpec spec = task.getSpec();
        WaldiezTaskStatus status = task.getStatus();
        Map<String, String> labels = task.getMetadata().getLabels() == null ? Map.of() : task.getMetadata().getLabels();
        Map<String, String> annotations = task.getMetadata().getAnnotations() == null ? Map.of()
                : task.getMetadata().getAnnotations();
        Optional<Job> job = context.getSecondaryResources(Job.class).stream()
                .filter(j -> TaskIds.jobName(task).equals(j.getMetadata().getName())).findFirst();
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        return new Observation(
                clock.instant(),
                status == null ? null : status.getPhase(),
                spec != null && spec.getFlow() != null && spec.getFlow().isExactlyOne(),
                spec != null && spec.cancelRequestedOrFalse(),
                StatusRecorder.cancelSentAt(status),
                status != null && status.getJobName() != null,
                KubernetesFacts.ofJob(job),
                KubernetesFacts.ofPods(pods),
                runner.map(RunnerState::latest).orElse(null),
                runner.map(RunnerState::finalEntry).orElse(null),
                status == null || status.getCompletionTime() == null ? null : Instant.parse(status.getCompletionTime()),
                Duration.ofSeconds(spec == null ? WaldiezTaskSpec.DEFAULT_PENDING_DEADLINE_SECONDS : spec.pendingDeadlineOrDefault()),
                spec == null || spec.getActiveDeadlineSeconds() == null ? null : Duration.ofSeconds(spec.getActiveDeadlineSeconds()),
                spec == null || spec.getTtlSecondsAfterFinished() == null ? null
                        : Duration.ofSeconds(spec.getTtlSecondsAfterFinished()),
                labels.containsKey(Labels.CLIENT_ID),
                "true".equalsIgnoreCase(annotations.get(Labels.ARCHIVED)),
                new Observation.Policy(settings.cancelGrace(), settings.maxTtl(), settings.archiveWait()));
    }

    /** kubectl-made tasks get their task id (metadata.uid) as a label, so pods and Redis entries map back. */
    private void ensureTaskIdLabel(WaldiezTask task, Context<WaldiezTask> context, String taskId) {
        Map<String, String> labels = task.getMetadata().getLabels();
        if (labels != null && labels.containsKey(Labels.TASK_ID)) {
            return;
        }
        context.getClient().resources(WaldiezTask.class).inNamespace(task.getMetadata().getNamespace())
                .withName(task.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":{\"" + Labels.TASK_ID + "\":\"" + taskId + "\"}}}");
    }

    private void sendCancel(String taskId) {
        if (control == null) {
            synchronized (this) {
                if (control == null) {
                    control = redis.connect();
                }
            }
        }
        log.info("sending cancel to the runner");
        control.sync().xadd(StreamKeys.status(taskId), XAddArgs.Builder.maxlen(1000).approximateTrimming(),
                codec.encodeControl(ControlEntry.cancel(taskId, "cancelRequested set on the WaldiezTask")));
    }

    /** Closes the Redis connection used for cancel messages. */
    public void close() {
        if (control != null) {
            control.close();
        }
    }
}
