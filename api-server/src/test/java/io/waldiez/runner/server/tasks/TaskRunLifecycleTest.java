package io.waldiez.runner.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Real runs: PostgreSQL, Redis, the runner venv and waldiez, driven over HTTP. */
class TaskRunLifecycleTest extends TaskTestSupport {

    @Autowired
    private TranscriptArchive archive;

    @Test
    void validFlowRunsToCompletedWithResultsTranscriptAndDownload() throws IOException {
        TestClient alice = newClient(Audiences.TASKS_API);
        String id = start(alice.accessToken(), "valid.waldiez", Map.of("input_timeout", "5"));

        JsonNode done = awaitTask(alice.accessToken(), id, Duration.ofSeconds(150),
                t -> t.get("status").asText().equals("COMPLETED"));
        assertThat(done.get("results").isArray()).as("results %s", done).isTrue();
        assertThat(done.get("results").toString()).contains("Hello from Assistant2");
        assertThat(done.get("input_request_id").isNull()).isTrue();
        assertThat(done.get("triggered_at").isNull()).isFalse();
        assertThat(done.get("started_at").isNull()).isFalse();
        assertThat(done.get("finished_at").isNull()).isFalse();

        // The archive is in PostgreSQL and resumable by stream id.
        var entries = archive.entriesAfter(id, null, 10_000);
        assertThat(entries).isNotEmpty();
        assertThat(archive.entriesAfter(id, entries.get(0).id(), 10_000)).hasSize(entries.size() - 1);
        assertThat(jdbc.sql("SELECT archived_at IS NOT NULL FROM tasks WHERE id = :id").param("id", id)
                .query(Boolean.class).single()).isTrue();

        ResponseEntity<byte[]> zip = http(alice.accessToken()).get().uri("/api/v1/tasks/{id}/download", id)
                .retrieve().toEntity(byte[].class);
        assertThat(zip.getStatusCode().value()).isEqualTo(200);
        assertThat(zip.getHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION)).isEqualTo("attachment; filename=" + id + ".zip");
        assertThat(zip.getHeaders().getContentType()).isEqualTo(MediaType.parseMediaType("application/zip"));
        Map<String, String> files = unzip(zip.getBody());
        assertThat(files).containsKeys(id + "/valid.waldiez", id + "/transcript.jsonl", id + "/results.json");
        assertThat(files.get(id + "/transcript.jsonl")).contains("Hi there!").contains("Hello from Assistant2");
        assertThat(files.get(id + "/transcript.jsonl").lines().count()).isEqualTo(entries.size());
        assertThat(files.get(id + "/results.json")).contains("Hello from Assistant2");
        assertThat(files.keySet()).anyMatch(n -> n.startsWith(id + "/artifacts/"));

        // Listed with results null; counted as inactive.
        JsonNode list = http(alice.accessToken()).get().uri("/api/v1/tasks").retrieve().body(JsonNode.class);
        assertThat(list.get("total").asInt()).isEqualTo(1);
        assertThat(list.get("items").get(0).get("results").isNull()).isTrue();
        JsonNode count = http(alice.accessToken()).get().uri("/api/v1/tasks/count?inactive_only=true")
                .retrieve().body(JsonNode.class);
        assertThat(count.get("count").asInt()).isEqualTo(1);
    }

    @Test
    void inputOverHttpReachesTheFlowAndBadInputsAre400() {
        TestClient bob = newClient(Audiences.TASKS_API);
        String token = bob.accessToken();
        String id = start(token, "dummy_with_input.waldiez", Map.of("input_timeout", "60"));
        String marker = "marker-" + id.substring(0, 8);

        JsonNode waiting = awaitStatus(token, id, "WAITING_FOR_INPUT");
        String requestId = waiting.get("input_request_id").asText();
        assertThat(requestId).isNotBlank();

        ResponseEntity<JsonNode> wrong = http(token).post().uri("/api/v1/tasks/{id}/input", id)
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("request_id", "not-" + requestId, "data", "x")).retrieve().toEntity(JsonNode.class);
        assertThat(wrong.getStatusCode().value()).isEqualTo(400);
        assertThat(wrong.getBody().get("detail").asText()).isEqualTo("Invalid input request");

        // Answer every prompt: the first with the marker, the rest with "exit".
        Set<String> answered = ConcurrentHashMap.newKeySet();
        JsonNode done = awaitTask(token, id, Duration.ofSeconds(150), t -> {
            if ("WAITING_FOR_INPUT".equals(t.get("status").asText())) {
                String req = t.get("input_request_id").asText();
                if (answered.add(req)) {
                    ResponseEntity<Void> ok = http(token).post().uri("/api/v1/tasks/{id}/input", id)
                            .contentType(MediaType.APPLICATION_JSON)
                            .body(Map.of("request_id", req, "data", answered.size() == 1 ? marker : "exit"))
                            .retrieve().toBodilessEntity();
                    assertThat(ok.getStatusCode().value()).isEqualTo(204);
                }
            }
            return t.get("status").asText().equals("COMPLETED");
        });
        assertThat(answered).contains(requestId);

        // The same request id again, now that the task is not waiting: 400.
        ResponseEntity<JsonNode> late = http(token).post().uri("/api/v1/tasks/{id}/input", id)
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("request_id", requestId, "data", "late")).retrieve().toEntity(JsonNode.class);
        assertThat(late.getStatusCode().value()).isEqualTo(400);
        assertThat(late.getBody().get("detail").asText()).isEqualTo("Invalid input request");
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");

        // The marker is User1's message in the archived transcript.
        List<JsonNode> textEvents = new ArrayList<>();
        for (var e : archive.entriesAfter(id, "0-0", 10_000)) {
            if ("print".equals(e.type()) && e.data() != null && e.data().startsWith("{")) {
                try {
                    JsonNode ev = json.readTree(e.data());
                    if ("text".equals(ev.path("type").asText())) {
                        textEvents.add(ev.get("content"));
                    }
                } catch (IOException ignored) {
                    // a print that merely starts with "{"
                }
            }
        }
        assertThat(textEvents).anySatisfy(c -> {
            assertThat(c.path("sender").asText()).isEqualTo("User1");
            assertThat(c.path("content").toString()).contains(marker);
        });
    }

    @Test
    void cancelStopsARunningFlowAndItStaysCancelled() throws InterruptedException {
        TestClient carol = newClient(Audiences.TASKS_API);
        String token = carol.accessToken();
        String id = startWaitingForInput(token);

        ResponseEntity<JsonNode> cancel = http(token).post().uri("/api/v1/tasks/{id}/cancel", id)
                .retrieve().toEntity(JsonNode.class);
        assertThat(cancel.getStatusCode().value()).isEqualTo(200);
        assertThat(cancel.getBody().get("status").asText()).isEqualTo("CANCELLED");

        // The run ends (archived), and nothing the runner writes afterwards changes the status.
        awaitTask(token, id, Duration.ofSeconds(30), t -> jdbc.sql("SELECT archived_at IS NOT NULL FROM tasks WHERE id = :id")
                .param("id", id).query(Boolean.class).single());
        Thread.sleep(3000);
        JsonNode after = get(token, id);
        assertThat(after.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(after.get("results").get("detail").asText()).isEqualTo("Task cancelled");

        ResponseEntity<JsonNode> again = http(token).post().uri("/api/v1/tasks/{id}/cancel", id)
                .retrieve().toEntity(JsonNode.class);
        assertThat(again.getStatusCode().value()).isEqualTo(400);
        assertThat(again.getBody().get("detail").asText()).isEqualTo("Cannot cancel task with status CANCELLED");
        // The runner said why it stopped, in the transcript.
        assertThat(archive.entriesAfter(id, null, 10_000)).anySatisfy(e ->
                assertThat(e.data()).contains("Task cancelled"));
    }
}
