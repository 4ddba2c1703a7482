package io.waldiez.runner.server.tasks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.common.Page;
import io.waldiez.runner.server.common.PageParams;
import io.waldiez.runner.server.tasks.TaskDtos.TaskResponse;
import jakarta.validation.Valid;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/admin/tasks}: every client's tasks, for admin-api (spec §4.2). */
@RestController
@Tag(name = "Tasks (admin)")
public class AdminTasksController {

    private final TaskService tasks;

    public AdminTasksController(TaskService tasks) {
        this.tasks = tasks;
    }

    @Operation(summary = "List all clients' tasks")
    @GetMapping("/api/v1/admin/tasks")
    public Page<TaskResponse> list(@Valid @ParameterObject PageParams paging,
            @RequestParam(required = false) String status, @RequestParam(required = false) String search,
            @RequestParam(name = "order_by", required = false) String orderBy,
            @RequestParam(name = "order_type", required = false) String orderType,
            @AuthenticationPrincipal AuthenticatedClient caller) {
        caller.requireAudience(Audiences.ADMIN_API);
        return TasksController.listTasks(tasks, null, paging, status, search, orderBy, orderType);
    }
}
