package io.waldiez.runner.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/** Helpers of the tasks tests: shared flows, multipart create, polling, direct rows. */
public abstract class TaskTestSupport extends ApiServerIntegrationTest {

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected ObjectMapper json;

    protected static Path flowsDir() {
        String root = System.getProperty("waldiez.repo.root");
        Path dir = root == null ? Path.of("../../shared/flows") : Path.of(root, "..", "shared", "flows");
        return dir.toAbsolutePath().normalize();
    }

    protected static byte[] flow(String name) {
        try {
            return Files.readAllBytes(flowsDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static MultiValueMap<String, Object> form(String filename, byte[] content, Map<String, String> fields) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        if (content != null) {
            form.add("file", new ByteArrayResource(content) {
                @Override
                public String getFilename() {
                    return filename;
                }
            });
        }
        fields.forEach(form::add);
        return form;
    }

    protected ResponseEntity<JsonNode> create(String token, String filename, byte[] content, Map<String, String> fields) {
        return createAt("/api/v1/tasks", token, filename, content, fields);
    }

    protected ResponseEntity<JsonNode> createAt(String uri, String token, String filename, byte[] content,
            Map<String, String> fields) {
        return http(token).post().uri(uri).contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form(filename, content, fields)).retrieve().toEntity(JsonNode.class);
    }

    /** Creates a task from a shared flow and returns its id (asserting 200 PENDING). */
    protected String start(String token, String flowName, Map<String, String> fields) {
        ResponseEntity<JsonNode> r = create(token, flowName, flow(flowName), fields);
        assertThat(r.getStatusCode().value()).as("create %s: %s", flowName, r.getBody()).isEqualTo(200);
        assertThat(r.getBody().get("status").asText()).isEqualTo("PENDING");
        return r.getBody().get("id").asText();
    }

    protected JsonNode get(String token, String id) {
        ResponseEntity<JsonNode> r = http(token).get().uri("/api/v1/tasks/{id}", id).retrieve().toEntity(JsonNode.class);
        assertThat(r.getStatusCode().value()).as("GET %s: %s", id, r.getBody()).isEqualTo(200);
        return r.getBody();
    }

    protected JsonNode awaitTask(String token, String id, Duration timeout, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    last[0] = get(token, id);
                    assertThat(condition.test(last[0])).as("task %s: %s", id, last[0]).isTrue();
                });
        return last[0];
    }

    protected JsonNode awaitStatus(String token, String id, String status) {
        return awaitTask(token, id, Duration.ofSeconds(120), t -> status.equals(t.get("status").asText()));
    }

    /** A task row written directly (no run): for ownership, list and recovery tests. */
    protected String insertRow(String ownerId, String filename, String status, Instant createdAt) {
        String id = io.waldiez.runner.server.common.Ids.newId();
        OffsetDateTime at = createdAt.atOffset(ZoneOffset.UTC);
        jdbc.sql("INSERT INTO tasks (id, client_id, flow_id, filename, status, launcher, created_at, updated_at)"
                        + " VALUES (:id, :owner, :flow, :name, CAST(:status AS task_status), 'local', :at, :at)")
                .param("id", id).param("owner", ownerId).param("flow", "f-" + id).param("name", filename)
                .param("status", status).param("at", at).update();
        jdbc.sql("INSERT INTO task_flows (task_id, content) VALUES (:id, :c)").param("id", id)
                .param("c", flow("valid.waldiez")).update();
        return id;
    }
}
