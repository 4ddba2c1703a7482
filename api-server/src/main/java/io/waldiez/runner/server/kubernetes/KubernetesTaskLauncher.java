package io.waldiez.runner.server.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.server.launch.TaskLaunch;
import io.waldiez.runner.server.launch.TaskLauncher;
import io.waldiez.runner.server.tasks.TaskMetrics;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskTransitions;
import io.waldiez.runner.server.tasks.TasksProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Runs each task as a WaldiezTask that the operator turns into a Job. Launch: the task
 * {@code task-<id>} first, then its flow ConfigMap and (with env vars) its env Secret, both owned by
 * the task so that Kubernetes removes them with it. Cancel: {@code spec.cancelRequested: true}
 * (JSON merge patch). What happens to the run comes back through {@link TaskStatusMirror}.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = KubernetesTaskLauncher.MODE)
public class KubernetesTaskLauncher implements TaskLauncher {

    public static final String MODE = "kubernetes";
    private static final Logger log = LoggerFactory.getLogger(KubernetesTaskLauncher.class);
    private static final String CANCEL_PATCH = "{\"spec\":{\"cancelRequested\":true}}";

    private final KubernetesClient client;
    private final KubernetesLauncherProperties props;
    private final TasksProperties tasks;
    private final TaskStatusMirror mirror;
    private final TaskTransitions transitions;
    private final TaskMetrics metrics;
    private final ObjectMapper json;

    public KubernetesTaskLauncher(KubernetesClient client, KubernetesLauncherProperties props, TasksProperties tasks,
            TaskStatusMirror mirror, TaskTransitions transitions, TaskMetrics metrics, ObjectMapper json) {
        this.client = client;
        this.props = props;
        this.tasks = tasks;
        this.mirror = mirror;
        this.transitions = transitions;
        this.metrics = metrics;
        this.json = json;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public void launch(TaskLaunch launch) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", launch.taskId())) {
            String ns = mirror.namespace();
            // The task first: its uid is the owner of the ConfigMap and Secret. The operator may make
            // the Job before they exist; the kubelet waits for both, so the order is safe.
            WaldiezTask created = client.resource(TaskResources.task(launch, ns, props, tasks.maxDuration())).create();
            try {
                client.resource(TaskResources.flowConfigMap(launch, created)).create();
                if (!launch.envVars().isEmpty()) {
                    client.resource(TaskResources.envSecret(launch, created)).create();
                }
            } catch (RuntimeException e) {
                deleteQuietly(created);
                throw e;
            }
            metrics.launched(MODE);
            log.info("WaldiezTask {}/{} created ({} bytes of flow{})", ns, created.getMetadata().getName(),
                    launch.flow().length, launch.envVars().isEmpty() ? "" : ", env Secret with "
                            + launch.envVars().size() + " keys");
        }
    }

    @Override
    public void cancel(String taskId, String reason) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            Optional<WaldiezTask> task = current(taskId);
            if (task.isEmpty()) {
                // No run any more (or never made): close the task now, as the local launcher does.
                log.info("cancel: no WaldiezTask; closing the task");
                transitions.finish(taskId, TaskStatus.CANCELLED, cancelled(), reason);
                return;
            }
            if (TaskResources.isTerminal(task.get())) {
                return; // already over: the mirror records how it ended
            }
            try {
                resource(task.get()).patch(PatchContext.of(PatchType.JSON_MERGE), CANCEL_PATCH);
                log.info("cancel requested on WaldiezTask {}", task.get().getMetadata().getName());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                transitions.finish(taskId, TaskStatus.CANCELLED, cancelled(), reason);
            }
        }
    }

    @Override
    public boolean isSupervising(String taskId) {
        return mirror.find(taskId).map(t -> !TaskResources.isTerminal(t)).orElse(false);
    }

    /**
     * Removes the task's WaldiezTask (and so its Job, ConfigMap and Secret). For the tasks API's
     * delete; without a call the mirror deletes it anyway once the deleted task is final and archived.
     *
     * @return whether there was one
     */
    public boolean delete(String taskId) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            Optional<WaldiezTask> task = current(taskId);
            // An empty answer: already gone (the cache may lag behind the API by a moment).
            boolean deleted = task.isPresent() && !resource(task.get()).delete().isEmpty();
            if (deleted) {
                log.info("WaldiezTask {} deleted", task.get().getMetadata().getName());
            }
            return deleted;
        }
    }

    /** From the mirror's cache, else from the API (a task created a moment ago may not be cached yet). */
    private Optional<WaldiezTask> current(String taskId) {
        Optional<WaldiezTask> cached = mirror.find(taskId);
        if (cached.isPresent()) {
            return cached;
        }
        return Optional.ofNullable(client.resources(WaldiezTask.class).inNamespace(mirror.namespace())
                .withName(TaskResources.taskName(taskId)).get());
    }

    private Resource<WaldiezTask> resource(WaldiezTask task) {
        return client.resources(WaldiezTask.class).inNamespace(task.getMetadata().getNamespace())
                .withName(task.getMetadata().getName());
    }

    private void deleteQuietly(WaldiezTask task) {
        try {
            resource(task).delete();
        } catch (RuntimeException e) {
            log.warn("could not remove WaldiezTask {} after a failed launch: {}", task.getMetadata().getName(),
                    e.getMessage());
        }
    }

    private com.fasterxml.jackson.databind.node.ObjectNode cancelled() {
        return json.createObjectNode().put("detail", "Task cancelled");
    }
}
