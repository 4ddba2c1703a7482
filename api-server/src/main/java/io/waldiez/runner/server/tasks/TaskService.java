package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.common.ApiException;
import io.waldiez.runner.server.common.Ids;
import io.waldiez.runner.server.common.Page;
import io.waldiez.runner.server.common.PageParams;
import io.waldiez.runner.server.launch.TaskLaunch;
import io.waldiez.runner.server.launch.TaskLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;
import org.springframework.web.multipart.MultipartFile;

/** The tasks API's rules (spec §4.2-4.12 with the §13 superset); controllers stay thin. */
@Service
public class TaskService {

    public static final List<String> ORDER_BY = List.of("id", "flow_id", "filename", "status");
    public static final String NOT_FOUND = "Task not found";
    public static final String CANCELLED_BY_USER = "cancelled by its owner";

    private static final Logger log = LoggerFactory.getLogger(TaskService.class);

    private final TaskRepository repository;
    private final FlowValidator validator;
    private final TasksProperties props;
    private final TaskLauncher launcher;
    private final TaskTransitions transitions;
    private final TransactionTemplate tx;
    private final ObjectMapper json;

    public TaskService(TaskRepository repository, FlowValidator validator, TasksProperties props,
            TaskLauncher launcher, TaskTransitions transitions, TransactionTemplate tx, ObjectMapper json) {
        this.repository = repository;
        this.validator = validator;
        this.props = props;
        this.launcher = launcher;
        this.transitions = transitions;
        this.tx = tx;
        this.json = json;
    }

    /** The create form (spec §4.3); {@code inputTimeout} already merged from form and query. */
    public record CreateRequest(MultipartFile file, String fileUrl, String filename, String envVars,
            Integer inputTimeout, boolean force, Boolean skipDeps, boolean packagesOnly, String message,
            String scheduleType, Instant expiresAt) {
    }

    // ------------------------------------------------------------------------ create / upload

    public TaskRecord create(AuthenticatedClient caller, CreateRequest req) {
        String owner = caller.id();
        int sources = (req.file() != null ? 1 : 0) + (StringUtils.hasText(req.fileUrl()) ? 1 : 0)
                + (StringUtils.hasText(req.filename()) ? 1 : 0);
        if (sources == 0) {
            throw FlowValidator.bad("Either file, file_url or filename must be provided");
        }
        if (sources > 1) {
            throw FlowValidator.bad("Only one of `file`, `file_url` or `filename` can be provided");
        }
        if (StringUtils.hasText(req.scheduleType())) {
            // The original answers 500 "not supported yet"; a precise 400 is the superset.
            throw FlowValidator.bad("Scheduled tasks are not supported by this server");
        }
        checkCap(owner);
        int timeout = req.inputTimeout() == null ? props.defaultInputTimeout() : req.inputTimeout();
        // Source and content.
        String name;
        byte[] content;
        if (req.file() != null) {
            name = FlowValidator.baseName(req.file().getOriginalFilename());
            validator.checkName(name);
            validator.checkSize(req.file().getSize());
            content = bytes(req.file());
        } else if (StringUtils.hasText(req.fileUrl())) {
            throw FlowValidator.bad(req.fileUrl().startsWith("https")
                    ? "Remote file URLs are not supported by this server" : "Invalid file URL");
        } else {
            name = req.filename();
            checkUploadName(name);
            content = repository.readUpload(owner, name).orElseThrow(() -> FlowValidator.bad("Invalid file path"));
        }
        validator.validate(content);
        String baseFlowId = md5(content) + "-" + md5(name.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
        Map<String, String> env = EnvVars.parse(req.envVars());

        String id = Ids.newId();
        Instant now = TaskRepository.now();
        String flowId = req.force() ? baseFlowId + "-" + Ids.randomHex(4) : baseFlowId;
        TaskRecord row = new TaskRecord(id, owner, flowId, name, timeout, null, TaskStatus.PENDING, null, null, null,
                null, null, null, req.expiresAt(), launcher.mode(), null, null, null, now, now, null);
        String uploadName = req.file() == null ? name : null;
        tx.executeWithoutResult(s -> {
            repository.lockClient(owner);
            checkCap(owner); // again, under the lock
            if (!req.force()) {
                repository.findActiveByFlowId(owner, baseFlowId).ifPresent(dup -> {
                    throw FlowValidator.bad("A task with the same file already exists. Task ID: " + dup.id()
                            + ", status: " + dup.status());
                });
            }
            repository.insert(row, content);
            if (uploadName != null) {
                repository.deleteUpload(owner, uploadName);
            }
        });
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
            log.info("task created from {} ({} bytes, input timeout {}s{})", name, content.length, timeout,
                    env.isEmpty() ? "" : ", " + env.size() + " env vars");
            try {
                launcher.launch(new TaskLaunch(id, owner, name, content, timeout, env, req.skipDeps(), req.packagesOnly()));
            } catch (RuntimeException e) {
                log.error("launch failed", e);
                transitions.finish(id, TaskStatus.FAILED, json.createObjectNode().put("error", "could not launch the run"),
                        "could not launch the run");
            }
        }
        return repository.find(id).orElseThrow();
    }

    private void checkCap(String owner) {
        int max = props.maxJobs();
        if (max > 0 && repository.countActive(owner) >= max) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Cannot create more than " + max
                    + " tasks at the same time. Please wait for some tasks to finish");
        }
    }

    public void upload(AuthenticatedClient caller, MultipartFile file) {
        String name = FlowValidator.baseName(file.getOriginalFilename());
        validator.checkName(name);
        checkUploadName(name);
        validator.checkSize(file.getSize());
        byte[] content = bytes(file);
        validator.validate(content);
        if (!repository.insertUpload(caller.id(), name, content)) {
            throw FlowValidator.bad("Destination file already exists");
        }
    }

    /** Uploads live in the caller's own space: a bare file name, no path. */
    private static void checkUploadName(String name) {
        if (name == null || name.isBlank() || name.length() > 255 || name.contains("/") || name.contains("\\")
                || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw FlowValidator.bad("Invalid file path");
        }
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw FlowValidator.bad("Invalid file");
        }
    }

    // ------------------------------------------------------------------------ reads

    public Page<TaskRecord> list(String ownerId, TaskStatus status, String search, String orderBy, boolean desc,
            PageParams paging) {
        TaskRepository.Filter f = new TaskRepository.Filter(ownerId, status, search, null);
        long total = repository.count(f);
        List<TaskRecord> items = paging.offset() >= total ? List.of()
                : repository.list(f, orderBy, desc, paging.size(), paging.offset());
        return Page.of(items, total, paging);
    }

    public long count(String ownerId, TaskStatus status, Boolean active, String search) {
        return repository.count(new TaskRepository.Filter(ownerId, status, search, active));
    }

    /** Owner or admin; 404 {@code Task not found} for missing, deleted and foreign tasks alike. */
    public TaskRecord get(AuthenticatedClient caller, String id) {
        return repository.find(id).filter(t -> caller.canAccess(t.clientId()))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, NOT_FOUND));
    }

    public byte[] flow(String id) {
        return repository.flow(id).orElse(new byte[0]);
    }

    // ------------------------------------------------------------------------ changes

    /**
     * PATCH/PUT (spec §4.7): only keys present are written; unknown keys are ignored. {@code status}
     * may only become CANCELLED (= cancel); the runner owns the other transitions (superset decision).
     */
    public TaskRecord update(AuthenticatedClient caller, String id, TaskUpdate update) {
        TaskRecord t = get(caller, id);
        if (t.status().isFinal()) {
            throw FlowValidator.bad("Cannot update task with status " + t.status());
        }
        if (update.status() != null && update.status() != t.status()) {
            if (update.status() != TaskStatus.CANCELLED) {
                throw FlowValidator.bad("Cannot set status " + update.status()
                        + ": the runner sets it; only CANCELLED can be requested");
            }
        }
        if (!update.columns().isEmpty()) {
            repository.update(id, update.columns(), TaskRepository.now());
        }
        if (update.status() == TaskStatus.CANCELLED && t.status() != TaskStatus.CANCELLED) {
            return cancel(caller, id);
        }
        return get(caller, id);
    }

    public TaskRecord cancel(AuthenticatedClient caller, String id) {
        TaskRecord t = get(caller, id);
        if (t.status().isFinal()) {
            throw FlowValidator.bad("Cannot cancel task with status " + t.status());
        }
        cancelRun(t);
        return get(caller, id);
    }

    /** DB CANCELLED at once (it stays so), then the launcher stops the run and archives it. */
    private void cancelRun(TaskRecord t) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", t.id())) {
            boolean changed = repository.markFinal(t.id(), TaskStatus.CANCELLED,
                    json.createObjectNode().put("detail", "Task cancelled"), CANCELLED_BY_USER, TaskRepository.now(), false);
            if (changed) {
                log.info("cancel requested");
                launcher.cancel(t.id(), CANCELLED_BY_USER);
            }
        }
    }

    public void delete(AuthenticatedClient caller, String id, boolean force) {
        TaskRecord t = get(caller, id);
        if (t.status().isActive()) {
            if (!force) {
                throw FlowValidator.bad("Cannot delete task with status " + t.status());
            }
            cancelRun(t); // superset: a forced delete also stops the run
        }
        repository.softDelete(id, TaskRepository.now());
    }

    /**
     * Bulk delete: with ids, the caller's (admin: anyone's) matching tasks; without ids (superset:
     * the clients' "delete all"), all of a tasks-api caller's tasks. Active ones only with force.
     */
    public void deleteMany(AuthenticatedClient caller, List<String> ids, boolean force) {
        boolean noIds = ids == null || ids.stream().noneMatch(StringUtils::hasText);
        if (noIds && caller.isAdmin()) {
            throw FlowValidator.bad("Task IDs must be specified for deletion");
        }
        List<String> wanted = noIds ? null : ids.stream().filter(StringUtils::hasText).distinct().toList();
        for (TaskRecord t : repository.findForBulkDelete(caller.isAdmin() ? null : caller.id(), wanted, force)) {
            if (t.status().isActive()) {
                cancelRun(t);
            }
            repository.softDelete(t.id(), TaskRepository.now());
        }
    }

    /** A validated PATCH body: the new status (or null) and the columns to write. */
    public record TaskUpdate(TaskStatus status, Map<String, Object> columns) {
    }

    public int maxInputTimeout() {
        return props.maxInputTimeout();
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<TaskRecord> findForOwner(String id, String ownerId) {
        return repository.find(id).filter(t -> t.clientId().equals(ownerId));
    }
}
