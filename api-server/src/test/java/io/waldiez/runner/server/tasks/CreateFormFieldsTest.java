package io.waldiez.runner.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** The create form's fields as the original reads them (issue 13): what is stored and returned. */
class CreateFormFieldsTest extends TaskTestSupport {

    @Test
    void expiresAtIsParsedStoredAndReturned() {
        TestClient alice = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> r = create(alice.accessToken(), "valid.waldiez", flow("valid.waldiez"),
                Map.of("expires_at", "2031-02-03T04:05:06+02:00", "trigger_now", "false", "skip_deps", "yes",
                        "message", "hi"));
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(200);
        assertThat(Instant.parse(r.getBody().get("expires_at").asText())).isEqualTo(Instant.parse("2031-02-03T02:05:06Z"));
        String id = r.getBody().get("id").asText();
        assertThat(Instant.parse(get(alice.accessToken(), id).get("expires_at").asText()))
                .isEqualTo(Instant.parse("2031-02-03T02:05:06Z"));
    }

    @Test
    void forceIsReadFromTheFormOnlyLikeTheOriginal() {
        TestClient bob = newClient(Audiences.TASKS_API);
        byte[] content = flow("dummy_with_input.waldiez");
        Map<String, String> longWait = Map.of("input_timeout", "300");
        assertThat(create(bob.accessToken(), "f.waldiez", content, longWait).getStatusCode().value()).isEqualTo(200);
        // force in the query is not the form's force: still a duplicate
        ResponseEntity<JsonNode> queryForce = createAt("/api/v1/tasks?force=true", bob.accessToken(), "f.waldiez",
                content, longWait);
        assertThat(queryForce.getStatusCode().value()).isEqualTo(400);
        assertThat(queryForce.getBody().get("detail").asText()).startsWith("A task with the same file already exists");
        ResponseEntity<JsonNode> formForce = create(bob.accessToken(), "f.waldiez", content,
                Map.of("input_timeout", "300", "force", "true"));
        assertThat(formForce.getStatusCode().value()).as("%s", formForce.getBody()).isEqualTo(200);
        http(bob.accessToken()).delete().uri("/api/v1/tasks?force=true").retrieve().toBodilessEntity();
    }

    @Test
    void aPathInThePartsFileNameIsReducedToItsBaseName() {
        TestClient carol = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> r = create(carol.accessToken(), "../../../../tmp/x.waldiez", flow("valid.waldiez"),
                Map.of());
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(200);
        assertThat(r.getBody().get("filename").asText()).isEqualTo("x.waldiez");
        ResponseEntity<JsonNode> windows = create(carol.accessToken(), "C:\\Users\\me\\flow.waldiez",
                flow("valid.waldiez"), Map.of("force", "true"));
        assertThat(windows.getBody().get("filename").asText()).isEqualTo("flow.waldiez");
        ResponseEntity<Void> upload = http(carol.accessToken()).post().uri("/api/v1/tasks/upload")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form("../up/y.waldiez", flow("valid.waldiez"), Map.of())).retrieve().toBodilessEntity();
        assertThat(upload.getStatusCode().value()).isEqualTo(204);
        ResponseEntity<JsonNode> byName = create(carol.accessToken(), null, null, Map.of("filename", "y.waldiez"));
        assertThat(byName.getStatusCode().value()).as("%s", byName.getBody()).isEqualTo(200);
        assertThat(byName.getBody().get("filename").asText()).isEqualTo("y.waldiez");
    }

    @Test
    void tokenResponsesAreNeverCached() {
        TestClient dave = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> token = http().post().uri("/auth/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body("client_id=" + dave.clientId() + "&client_secret=" + dave.secret()).retrieve()
                .toEntity(JsonNode.class);
        assertThat(token.getStatusCode().value()).isEqualTo(200);
        assertThat(token.getHeaders().getCacheControl()).isEqualTo("no-store");
        assertThat(token.getHeaders().getFirst(HttpHeaders.PRAGMA)).isEqualTo("no-cache");
        ResponseEntity<JsonNode> refreshed = http().post().uri("/auth/token/refresh")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("refresh_token", token.getBody().get("refresh_token").asText())).retrieve()
                .toEntity(JsonNode.class);
        assertThat(refreshed.getStatusCode().value()).isEqualTo(200);
        assertThat(refreshed.getHeaders().getCacheControl()).isEqualTo("no-store");
    }

    @Test
    void answersUpToTheInputLimitAreDeliveredOverRest() {
        TestClient erin = newClient(Audiences.TASKS_API);
        String id = insertRow(erin.id(), "w.waldiez", "WAITING_FOR_INPUT", Instant.now());
        jdbc.sql("UPDATE tasks SET input_request_id = 'r1' WHERE id = :id").param("id", id).update();
        // 512 KB of 2-byte characters is over the limit; the same count of 1-byte ones is at it
        String atLimit = "a".repeat(512 * 1024);
        ResponseEntity<JsonNode> over = http(erin.accessToken()).post().uri("/api/v1/tasks/{id}/input", id)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("request_id", "r1", "data", "é".repeat(512 * 1024)))
                .retrieve().toEntity(JsonNode.class);
        assertThat(over.getStatusCode().value()).isEqualTo(422);
        assertThat(over.getBody().get("detail").get(0).get("loc").toString()).isEqualTo("[\"body\",\"data\"]");
        ResponseEntity<JsonNode> ok = http(erin.accessToken()).post().uri("/api/v1/tasks/{id}/input", id)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("request_id", "r1", "data", atLimit))
                .retrieve().toEntity(JsonNode.class);
        assertThat(ok.getStatusCode().value()).isEqualTo(204);
    }
}
