package io.waldiez.runner.server.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.tasks.TaskRecord;
import io.waldiez.runner.server.tasks.TaskRepository;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskTransitions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.DigestUtils;

/**
 * Mirrors every WaldiezTask of the namespace into the tasks table through {@link TaskTransitions}
 * (so PostgreSQL, TaskStatusChanged and archiving behave as in local mode). The operator writes the
 * status; this is the only writer of PostgreSQL.
 *
 * <ul>
 * <li>phase → status: Pending/Queued → PENDING, Running → RUNNING, WaitingForInput →
 * WAITING_FOR_INPUT (with {@code status.pendingInputRequestId}), Succeeded → COMPLETED, Failed →
 * FAILED (reason and message), Cancelled → CANCELLED;</li>
 * <li>kubectl-made tasks (no {@code waldiez.io/client-id} label) get a row owned by
 * {@link #SYSTEM_OWNER}, so they show on the admin routes;</li>
 * <li>once a final status is archived, the task gets annotation {@code waldiez.io/archived=true}
 * (the operator deletes API-made tasks after their TTL only then);</li>
 * <li>a task whose row was deleted through the API is deleted once it is final and archived;</li>
 * <li>at start, the informer's first list reconciles every task, and active rows of this mode with
 * no task left are failed (their run cannot report any more).</li>
 * </ul>
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = KubernetesTaskLauncher.MODE)
public class TaskStatusMirror implements SmartLifecycle, ResourceEventHandler<WaldiezTask> {

    /**
     * {@code tasks.client_id} of kubectl-made tasks: the column is NOT NULL and no API client can have
     * this id (theirs are 32 hex characters), so only admin-api callers see these tasks.
     */
    public static final String SYSTEM_OWNER = "kubernetes";
    public static final String TASK_GONE = "its WaldiezTask no longer exists; the run was lost";
    public static final String TASK_DELETED = "its WaldiezTask was deleted before the run ended";
    static final String BY_TASK_ID = "by-task-id";

    private static final Logger log = LoggerFactory.getLogger(TaskStatusMirror.class);

    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesLauncherProperties props;
    private final TaskRepository repository;
    private final TaskTransitions transitions;
    private final ObjectMapper json;
    private volatile SharedIndexInformer<WaldiezTask> informer;
    private volatile boolean running;

    public TaskStatusMirror(KubernetesClient client, KubernetesLauncherProperties props, TaskRepository repository,
            TaskTransitions transitions, ObjectMapper json) {
        this.client = client;
        this.namespace = KubernetesConfiguration.namespaceOf(client);
        this.props = props;
        this.repository = repository;
        this.transitions = transitions;
        this.json = json;
    }

    public String namespace() {
        return namespace;
    }

    // ------------------------------------------------------------------------ lifecycle

    @Override
    public void start() {
        Instant started = TaskRepository.now();
        SharedIndexInformer<WaldiezTask> inf = client.resources(WaldiezTask.class).inNamespace(namespace)
                .runnableInformer(props.informerResync().toMillis());
        inf.addIndexers(Map.of(BY_TASK_ID, t -> List.of(TaskResources.taskIdOf(t))));
        inf.addEventHandler(this);
        informer = inf;
        try {
            inf.start().toCompletableFuture().get(props.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing WaldiezTasks", e);
        } catch (Exception e) {
            inf.stop();
            // Without the list the server would show stale statuses: fail the start (the pod restarts).
            throw new IllegalStateException("could not list WaldiezTasks in namespace " + namespace, e);
        }
        running = true;
        log.info("mirroring WaldiezTasks of namespace {} ({} found)", namespace, inf.getStore().list().size());
        failLostTasks(started);
    }

    @Override
    public void stop() {
        running = false;
        SharedIndexInformer<WaldiezTask> inf = informer;
        if (inf != null) {
            inf.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // ------------------------------------------------------------------------ cache

    /** The cached task of a task id (API-made or kubectl-made). */
    public Optional<WaldiezTask> find(String taskId) {
        SharedIndexInformer<WaldiezTask> inf = informer;
        if (inf == null) {
            return Optional.empty();
        }
        return inf.getIndexer().byIndex(BY_TASK_ID, taskId).stream().findFirst();
    }

    // ------------------------------------------------------------------------ events

    @Override
    public void onAdd(WaldiezTask task) {
        safely(task, () -> mirror(task));
    }

    @Override
    public void onUpdate(WaldiezTask before, WaldiezTask task) {
        safely(task, () -> mirror(task));
    }

    @Override
    public void onDelete(WaldiezTask task, boolean finalStateUnknown) {
        safely(task, () -> deleted(task));
    }

    private void safely(WaldiezTask task, Runnable action) {
        String taskId = TaskResources.taskIdOf(task);
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            action.run();
        } catch (RuntimeException e) {
            // Never let one task stop the informer's event thread; the next resync tries again.
            log.error("could not mirror WaldiezTask {}/{}", task.getMetadata().getNamespace(),
                    task.getMetadata().getName(), e);
        }
    }

    /** One task's status into its row, then the archive annotation (or the deletion the API asked for). */
    void mirror(WaldiezTask task) {
        String taskId = TaskResources.taskIdOf(task);
        if (!StreamKeys.isValidTaskId(taskId)) {
            log.warn("WaldiezTask {} has an unusable task id; ignored", task.getMetadata().getName());
            return;
        }
        Optional<TaskRecord> row = repository.findAny(taskId);
        if (row.isEmpty()) {
            if (TaskResources.isApiManaged(task)) {
                // Made by an API server with another database, or its row was purged: not ours to own.
                log.debug("no task row for API-made WaldiezTask {}; ignored", task.getMetadata().getName());
                return;
            }
            row = Optional.of(adopt(task, taskId));
        }
        apply(task, taskId, row.get());
        MDC.put("task_id", taskId); // TaskTransitions closes its own task_id entry, which removes ours
        if (!TaskResources.isTerminal(task)) {
            return;
        }
        TaskRecord after = repository.findAny(taskId).orElse(row.get());
        if (after.archivedAt() == null) {
            return;
        }
        if (after.deletedAt() != null) {
            log.info("task deleted through the API: deleting its WaldiezTask");
            client.resource(task).delete();
        } else if (!TaskResources.isArchived(task)) {
            markArchived(task);
        }
    }

    private void apply(WaldiezTask task, String taskId, TaskRecord row) {
        WaldiezTaskStatus s = task.getStatus();
        TaskPhase phase = s == null || s.getPhase() == null ? TaskPhase.Pending : s.getPhase();
        if (s != null && s.getJobName() != null && row.triggeredAt() == null) {
            transitions.triggered(taskId);
        }
        if (!phase.isTerminal() && row.status().isFinal()) {
            return; // e.g. cancelled by its owner: the operator catches up
        }
        switch (phase) {
            case Pending, Queued -> {
                // the row starts PENDING; nothing to say
            }
            case Running -> {
                if (row.status() != TaskStatus.RUNNING) {
                    transitions.running(taskId);
                }
            }
            case WaitingForInput -> {
                String request = s.getPendingInputRequestId();
                if (request != null && (row.status() != TaskStatus.WAITING_FOR_INPUT
                        || !Objects.equals(row.inputRequestId(), request))) {
                    transitions.waitingForInput(taskId, request);
                }
            }
            case Succeeded -> finish(row, TaskStatus.COMPLETED, null, null);
            case Failed -> {
                String reason = describe(s);
                ObjectNode results = json.createObjectNode().put("error", reason);
                if (s.getReason() != null) {
                    results.put("error_type", s.getReason());
                }
                finish(row, TaskStatus.FAILED, results, reason);
            }
            case Cancelled -> finish(row, TaskStatus.CANCELLED, cancelled(), s.getMessage() != null ? s.getMessage()
                    : s.getReason() != null ? s.getReason() : "cancelled");
            default -> log.warn("unknown phase {}", phase);
        }
    }

    private void finish(TaskRecord row, TaskStatus status, ObjectNode results, String reason) {
        if (row.status().isFinal() && row.archivedAt() != null) {
            return; // already final and archived (the common case on resync)
        }
        transitions.finish(row.id(), status, results, reason);
    }

    private void deleted(WaldiezTask task) {
        String taskId = TaskResources.taskIdOf(task);
        Optional<TaskRecord> row = repository.findAny(taskId);
        if (row.isEmpty()) {
            return;
        }
        if (TaskResources.isTerminal(task)) {
            apply(task, taskId, row.get()); // e.g. deleted after its TTL before we archived: archive what is left
        } else if (row.get().status().isActive()) {
            log.info("WaldiezTask {} deleted while the task was active", task.getMetadata().getName());
            transitions.finish(taskId, TaskStatus.CANCELLED, cancelled(), TASK_DELETED);
        } else if (row.get().archivedAt() == null) {
            transitions.finish(taskId, row.get().status(), null, row.get().statusReason());
        }
    }

    /** A row for a kubectl-made task, owned by {@link #SYSTEM_OWNER}. */
    private TaskRecord adopt(WaldiezTask task, String taskId) {
        byte[] flow = flowOf(task);
        String name = task.getMetadata().getName();
        Instant created = created(task);
        String flowId = DigestUtils.md5DigestAsHex(flow) + "-"
                + DigestUtils.md5DigestAsHex(name.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
        int timeout = task.getSpec() == null ? 180 : task.getSpec().inputTimeoutOrDefault();
        TaskRecord row = new TaskRecord(taskId, SYSTEM_OWNER, flowId, name + ".waldiez", timeout, null, TaskStatus.PENDING,
                null, null, null, null, null, null, null, KubernetesTaskLauncher.MODE, null, null, null, created, created,
                null);
        repository.insert(row, flow);
        log.info("kubectl-made WaldiezTask {}/{} adopted as task {} (owner {})", task.getMetadata().getNamespace(), name,
                taskId, SYSTEM_OWNER);
        return repository.findAny(taskId).orElse(row);
    }

    /** The flow bytes for the row (download); empty when the ConfigMap cannot be read. */
    private byte[] flowOf(WaldiezTask task) {
        FlowSource flow = task.getSpec() == null ? null : task.getSpec().getFlow();
        if (flow == null) {
            return new byte[0];
        }
        if (flow.getInline() != null) {
            return flow.getInline().getBytes(StandardCharsets.UTF_8);
        }
        if (flow.getConfigMapKeyRef() != null) {
            try {
                ConfigMap cm = client.configMaps().inNamespace(task.getMetadata().getNamespace())
                        .withName(flow.getConfigMapKeyRef().getName()).get();
                String text = cm == null || cm.getData() == null ? null : cm.getData().get(flow.getConfigMapKeyRef().getKey());
                if (text != null) {
                    return text.getBytes(StandardCharsets.UTF_8);
                }
            } catch (KubernetesClientException e) {
                log.warn("could not read the flow ConfigMap {}: {}", flow.getConfigMapKeyRef().getName(), e.getMessage());
            }
        }
        return new byte[0];
    }

    private static Instant created(WaldiezTask task) {
        try {
            return Instant.parse(task.getMetadata().getCreationTimestamp()).truncatedTo(ChronoUnit.MICROS);
        } catch (RuntimeException e) {
            return TaskRepository.now();
        }
    }

    private void markArchived(WaldiezTask task) {
        try {
            client.resources(WaldiezTask.class).inNamespace(task.getMetadata().getNamespace())
                    .withName(task.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"annotations\":{\"" + Labels.ARCHIVED + "\":\"true\"}}}");
            log.info("archived; WaldiezTask {} annotated {}=true", task.getMetadata().getName(), Labels.ARCHIVED);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Active rows of this mode whose task is gone (deleted while this server was down) can never finish. */
    private void failLostTasks(Instant started) {
        for (String id : repository.activeIds(KubernetesTaskLauncher.MODE)) {
            if (find(id).isPresent()) {
                continue;
            }
            try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
                Optional<TaskRecord> row = repository.findAny(id);
                // Rows newer than the list may belong to a launch in progress right now.
                if (row.isEmpty() || !KubernetesTaskLauncher.MODE.equals(row.get().launcher())
                        || !row.get().createdAt().isBefore(started)) {
                    continue;
                }
                log.warn("active task without a WaldiezTask: {}", TASK_GONE);
                transitions.finish(id, TaskStatus.FAILED, json.createObjectNode().put("error", TASK_GONE), TASK_GONE);
            } catch (RuntimeException e) {
                log.error("could not fail a lost task", e);
            }
        }
    }

    private static String describe(WaldiezTaskStatus s) {
        if (s.getReason() != null && s.getMessage() != null) {
            return s.getReason() + ": " + s.getMessage();
        }
        return s.getMessage() != null ? s.getMessage() : s.getReason() != null ? s.getReason() : "failed";
    }

    private ObjectNode cancelled() {
        return json.createObjectNode().put("detail", "Task cancelled");
    }
}
