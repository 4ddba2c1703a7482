package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.StreamIds;
import io.waldiez.runner.server.archive.TaskDownloads;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/tasks/{id}/transcript}: a task's output entries after a cursor, in one response
 * (NDJSON, one line per entry, the shape of the download's transcript.jsonl). A superset addition:
 * the web console loads a task's history with it and then follows the WebSocket from the last id,
 * which is much faster than thousands of WebSocket frames; admins (who have no WebSocket) read it too.
 */
@RestController
@Tag(name = "Tasks")
public class TaskTranscriptController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final TaskService tasks;
    private final TaskDownloads downloads;
    private final ObjectMapper json;

    public TaskTranscriptController(TaskService tasks, TaskDownloads downloads, ObjectMapper json) {
        this.tasks = tasks;
        this.downloads = downloads;
        this.json = json;
    }

    @Operation(summary = "A task's transcript after a stream id, as NDJSON (owner or admin-api)")
    @GetMapping("/api/v1/tasks/{taskId}/transcript")
    public ResponseEntity<byte[]> transcript(@PathVariable String taskId,
            @Parameter(description = "entries after this stream id (0 or none: all)") @RequestParam(required = false) String after,
            @AuthenticationPrincipal AuthenticatedClient caller) throws IOException {
        String cursor = "0-0";
        if (after != null && !after.isBlank()) {
            cursor = StreamIds.normalize(after);
            if (cursor == null) {
                throw new RequestValidationException(
                        ValidationError.query("after", "value_error", "Value error, not a stream id", after));
            }
        }
        TaskRecord t = tasks.get(caller, taskId);
        StringBuilder lines = new StringBuilder();
        for (OutputEntry e : downloads.transcript(t.id(), t.archivedAt() != null)) {
            if (StreamIds.isAfter(e.id(), cursor)) {
                lines.append(json.writeValueAsString(e.withId())).append('\n');
            }
        }
        return ResponseEntity.ok().contentType(NDJSON).header("Cache-Control", "no-store")
                .body(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
}
