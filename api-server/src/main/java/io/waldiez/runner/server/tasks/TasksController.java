package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.waldiez.runner.server.archive.TaskDownloads;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.common.ApiException;
import io.waldiez.runner.server.common.Page;
import io.waldiez.runner.server.common.PageParams;
import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import io.waldiez.runner.server.tasks.TaskDtos.InputRequest;
import io.waldiez.runner.server.tasks.TaskDtos.TaskCountResponse;
import io.waldiez.runner.server.tasks.TaskDtos.TaskResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code /api/v1/tasks} (spec §4.2-4.12, superset §13). Rules live in {@link TaskService}. */
@RestController
@RequestMapping("/api/v1/tasks")
@Tag(name = "Tasks")
public class TasksController {

    private final TaskService tasks;
    private final TaskInputs inputs;
    private final TaskDownloads downloads;

    public TasksController(TaskService tasks, TaskInputs inputs, TaskDownloads downloads) {
        this.tasks = tasks;
        this.inputs = inputs;
        this.downloads = downloads;
    }

    @Operation(summary = "List your tasks (results are null in lists)")
    @GetMapping
    public Page<TaskResponse> list(@Valid @ParameterObject PageParams paging,
            @RequestParam(required = false) String status, @RequestParam(required = false) String search,
            @RequestParam(name = "order_by", required = false) String orderBy,
            @RequestParam(name = "order_type", required = false) String orderType,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        caller.requireAudience(Audiences.TASKS_API);
        return listTasks(tasks, caller.id(), paging, status, search, orderBy, orderType);
    }

    static Page<TaskResponse> listTasks(TaskService tasks, String owner, PageParams paging, String status,
            String search, String orderBy, String orderType) {
        RequestValidationException.requireOneOf("query", "order_by", orderBy, TaskService.ORDER_BY);
        RequestValidationException.requireOneOf("query", "order_type", orderType, List.of("asc", "desc"));
        return tasks.list(owner, status(status), search, orderBy, "desc".equals(orderType), paging)
                .map(TaskResponse::inList);
    }

    private static TaskStatus status(String value) {
        RequestValidationException.requireOneOf("query", "status", value,
                Arrays.stream(TaskStatus.values()).map(Enum::name).toList());
        return value == null ? null : TaskStatus.valueOf(value);
    }

    @Operation(summary = "Create a task from a .waldiez flow and run it",
            description = "Multipart form (see CreateTaskForm): one of file / filename (from /upload) / file_url "
                    + "(not supported). input_timeout from the form, else from the query, else 180. env_vars: JSON "
                    + "object, passed to the run only. force: allow a second active run of the same flow.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                    schema = @Schema(implementation = CreateTaskForm.class))))
    @Parameter(name = "input_timeout", in = ParameterIn.QUERY, description = "used when the form has none",
            schema = @Schema(type = "integer", minimum = "1", maximum = "86400"))
    @PostMapping
    public TaskResponse create(@Parameter(hidden = true) HttpServletRequest request,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        caller.requireAudience(Audiences.TASKS_API);
        TaskRecord t = tasks.create(caller, CreateFormReader.read(request, tasks.maxInputTimeout()));
        return TaskResponse.of(t);
    }

    @Operation(summary = "Upload a flow for a later create with filename=<name>",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.MULTIPART_FORM_DATA_VALUE, schema = @Schema(implementation = UploadForm.class))))
    @PostMapping("/upload")
    public ResponseEntity<Void> upload(
            @Parameter(hidden = true) @RequestPart(name = "file", required = false) MultipartFile file,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        caller.requireAudience(Audiences.TASKS_API);
        if (file == null) {
            // Also a urlencoded or JSON body: the form has no file part (the original's 422).
            throw new RequestValidationException(ValidationError.missing("body", "file"));
        }
        tasks.upload(caller, file);
        return ResponseEntity.noContent().build();
    }

    /** The upload form as OpenAPI shows it. */
    @Schema(name = "UploadForm", requiredProperties = "file")
    record UploadForm(@Schema(type = "string", format = "binary", description = "the .waldiez flow (at most 5 MiB)")
            @com.fasterxml.jackson.annotation.JsonProperty("file") byte[] file) {
    }

    @Operation(summary = "Count your tasks")
    @GetMapping("/count")
    public TaskCountResponse count(@RequestParam(required = false) String status,
            @RequestParam(name = "active_only", required = false, defaultValue = "false") boolean activeOnly,
            @RequestParam(name = "inactive_only", required = false, defaultValue = "false") boolean inactiveOnly,
            @RequestParam(required = false) String search,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        caller.requireAudience(Audiences.TASKS_API);
        TaskStatus s = status(status);
        if (search != null && search.isEmpty()) {
            throw new RequestValidationException(ValidationError.query("search", "string_too_short",
                    "String should have at least 1 character", search));
        }
        if (activeOnly && inactiveOnly) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "active_only and inactive_only cannot both be true");
        }
        Boolean active = activeOnly ? Boolean.TRUE : inactiveOnly ? Boolean.FALSE : null;
        return new TaskCountResponse(tasks.count(caller.id(), s, active, search));
    }

    @Operation(summary = "Get a task (with results)")
    @GetMapping("/{taskId}")
    public TaskResponse get(@PathVariable String taskId, @AuthenticationPrincipal AuthenticatedClient caller) {
        return TaskResponse.of(tasks.get(caller, taskId));
    }

    @Operation(summary = "Update an active task (results, expires_at; status only to CANCELLED)")
    @PatchMapping("/{taskId}")
    public TaskResponse update(@PathVariable String taskId, @RequestBody(required = false) JsonNode body,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        return TaskResponse.of(tasks.update(caller, taskId, TaskUpdateParser.parse(body)));
    }

    @Operation(summary = "Same as PATCH (the Python client sends PUT); unknown keys are ignored")
    @PutMapping("/{taskId}")
    public TaskResponse replace(@PathVariable String taskId, @RequestBody(required = false) JsonNode body,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        return update(taskId, body, caller);
    }

    @Operation(summary = "Answer the task's pending input request")
    @PostMapping("/{taskId}/input")
    public ResponseEntity<Void> input(@PathVariable String taskId, @Valid @RequestBody InputRequest body,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        caller.requireAudience(Audiences.TASKS_API);
        inputs.check(body.requestId(), body.data()).ifPresent(problem -> {
            throw new RequestValidationException(problem);
        });
        return switch (inputs.submit(taskId, caller.id(), body.requestId(), body.data(), "rest")) {
            case ACCEPTED -> ResponseEntity.noContent().build();
            case NOT_PENDING -> throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid input request");
            case NOT_FOUND -> throw new ApiException(HttpStatus.NOT_FOUND, "Task " + taskId + " not found");
        };
    }

    @Operation(summary = "Download the task as a zip: flow, transcript.jsonl, results.json, artifacts/")
    @GetMapping("/{taskId}/download")
    public ResponseEntity<byte[]> download(@PathVariable String taskId,
            @AuthenticationPrincipal AuthenticatedClient caller) throws IOException {
        TaskRecord t = tasks.get(caller, taskId);
        TaskDownloads.Contents contents = downloads.gather(t.id(), t.filename(), tasks.flow(t.id()),
                t.archivedAt() != null, t.results());
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        downloads.write(contents, zip);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=" + t.id() + ".zip")
                .header("X-Accel-Buffering", "no")
                .body(zip.toByteArray());
    }

    @Operation(summary = "Cancel an active task; it ends CANCELLED and stays so")
    @PostMapping("/{taskId}/cancel")
    public TaskResponse cancel(@PathVariable String taskId, @AuthenticationPrincipal AuthenticatedClient caller) {
        return TaskResponse.of(tasks.cancel(caller, taskId));
    }

    @Operation(summary = "Delete a task (soft); force for an active one, which also cancels its run")
    @DeleteMapping("/{taskId}")
    public ResponseEntity<Void> delete(@PathVariable String taskId,
            @RequestParam(required = false, defaultValue = "false") boolean force,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        tasks.delete(caller, taskId, force);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Delete many tasks; without ids (tasks-api) all of yours (active ones only with force)")
    @DeleteMapping
    public ResponseEntity<Void> deleteMany(@RequestParam(required = false) List<String> ids,
            @RequestParam(required = false, defaultValue = "false") boolean force,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        tasks.deleteMany(caller, ids, force);
        return ResponseEntity.noContent().build();
    }
}
