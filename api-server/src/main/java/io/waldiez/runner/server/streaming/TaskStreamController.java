package io.waldiez.runner.server.streaming;

import io.waldiez.runner.protocol.StreamIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.common.ApiException;
import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import io.waldiez.runner.server.tasks.TaskAccess;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/tasks/{id}/stream}: the WebSocket's frames as server-sent events, for curl and proxies. */
@RestController
class TaskStreamController {

    private static final Logger log = LoggerFactory.getLogger(TaskStreamController.class);

    private final TaskAccess access;
    private final TaskStreamHub hub;

    TaskStreamController(TaskAccess access, TaskStreamHub hub) {
        this.access = access;
        this.hub = hub;
    }

    @Operation(summary = "Stream a task's output and status as server-sent events",
            description = "Events: status (first and on every transition), print, input_request, input_response; "
                    + "output events carry their stream id as the SSE id. Resume with Last-Event-ID or ?after=. "
                    + "The stream ends after the final status.")
    @GetMapping("/api/v1/tasks/{taskId}/stream")
    public void stream(@PathVariable String taskId,
            @Parameter(description = "resume after this stream id") @RequestParam(required = false) String after,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            @AuthenticationPrincipal AuthenticatedClient caller,
            HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        caller.requireAudience(Audiences.TASKS_API);
        String cursor = null;
        // Last-Event-ID wins: a reconnecting EventSource keeps the original ?after= in its URL.
        if (lastEventId != null && !lastEventId.isBlank()) {
            cursor = StreamIds.normalize(lastEventId);
            if (cursor == null) {
                throw new RequestValidationException(new ValidationError("value_error",
                        List.of("header", "Last-Event-ID"), "Value error, not a stream id", lastEventId));
            }
        } else if (after != null && !after.isBlank()) {
            cursor = StreamIds.normalize(after);
            if (cursor == null) {
                throw new RequestValidationException(
                        ValidationError.query("after", "value_error", "Value error, not a stream id", after));
            }
        }
        if (access.findForOwner(taskId, caller).isEmpty()) {
            throw new ApiException(HttpStatus.NOT_FOUND, "Task not found");
        }
        String problem = hub.admissionProblem(taskId, caller.id());
        if (problem != null) {
            try (var ignored = MDC.putCloseable("task_id", taskId)) {
                log.info("SSE stream refused: {}", problem);
            }
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many streams: " + problem);
        }
        // The headers go out now, then the container hands the connection over (SseSubscriber): an
        // open stream holds none of its request-processing memory. An event stream is a plain 200
        // whose body ends when the connection closes: Connection: close keeps the container from
        // chunking it, and committing before upgrade() keeps its 101 (and a Content-Length: 0) off.
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Connection", "close");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        // Tells nginx-style proxies not to buffer the stream.
        response.setHeader("X-Accel-Buffering", "no");
        response.flushBuffer();
        SseSubscriber.Connection connection = request.upgrade(SseSubscriber.Connection.class);
        SseSubscriber sub = new SseSubscriber(hub, taskId, caller, cursor);
        connection.serve(sub);
        String refused = hub.join(sub);
        if (refused != null) {
            sub.close(1008, refused, false);
        }
    }
}
