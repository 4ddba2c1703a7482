package io.waldiez.runner.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/** GET /api/v1/tasks/{id}/transcript: a task's entries after a cursor as NDJSON, owner or admin. */
class TaskTranscriptRouteTest extends TaskTestSupport {

    private ResponseEntity<String> transcript(String token, String id, String after) {
        return http(token).get().uri("/api/v1/tasks/{id}/transcript" + (after == null ? "" : "?after={after}"), id, after)
                .retrieve().toEntity(String.class);
    }

    private List<JsonNode> lines(ResponseEntity<String> r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.getBody() == null ? new String[0] : r.getBody().split("\n")) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    @Test
    void entriesAfterACursorForTheOwnerAndAdmins() throws Exception {
        TestClient owner = newClient(Audiences.TASKS_API);
        String id = startWaitingForInput(owner.accessToken());
        try {
            ResponseEntity<String> all = transcript(owner.accessToken(), id, null);
            assertThat(all.getStatusCode().value()).isEqualTo(200);
            assertThat(all.getHeaders().getContentType()).hasToString("application/x-ndjson");
            List<JsonNode> entries = lines(all);
            assertThat(entries).hasSizeGreaterThanOrEqualTo(2);
            assertThat(entries).allSatisfy(e -> assertThat(e.get("id").asText()).matches("\\d+-\\d+"));
            assertThat(entries.get(entries.size() - 1).get("type").asText()).isEqualTo("input_request");

            String first = entries.get(0).get("id").asText();
            List<JsonNode> rest = lines(transcript(owner.accessToken(), id, first));
            assertThat(rest).hasSize(entries.size() - 1);
            assertThat(rest.get(0)).isEqualTo(entries.get(1));
            String last = entries.get(entries.size() - 1).get("id").asText();
            assertThat(lines(transcript(owner.accessToken(), id, last))).isEmpty();
            assertThat(lines(transcript(owner.accessToken(), id, "0"))).isEqualTo(entries);

            assertThat(lines(transcript(tokenFor(Audiences.ADMIN_API), id, null))).isEqualTo(entries);
        } finally {
            http(owner.accessToken()).post().uri("/api/v1/tasks/{id}/cancel", id).retrieve().toBodilessEntity();
        }
    }

    @Test
    void badCursorIs422AndOthersTasksAre404() {
        TestClient owner = newClient(Audiences.TASKS_API);
        TestClient other = newClient(Audiences.TASKS_API);
        String id = insertRow(owner.id(), "flow.waldiez", "COMPLETED", java.time.Instant.now());
        ResponseEntity<String> bad = transcript(owner.accessToken(), id, "yesterday");
        assertThat(bad.getStatusCode().value()).isEqualTo(422);
        assertThat(bad.getBody()).contains("\"after\"");
        assertThat(transcript(other.accessToken(), id, null).getStatusCode().value()).isEqualTo(404);
        assertThat(http().get().uri("/api/v1/tasks/{id}/transcript", id).retrieve().toEntity(String.class)
                .getStatusCode().value()).isEqualTo(401);
        ResponseEntity<String> empty = transcript(owner.accessToken(), id, null);
        assertThat(empty.getStatusCode().value()).isEqualTo(200);
    }
}
