package io.waldiez.runner.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Helpers of the tasks tests: polling, runs waiting for input, downloads, direct rows. */
public abstract class TaskTestSupport extends ApiServerIntegrationTest {

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected ObjectMapper json;

    /** A dummy_with_input run waiting for its first answer (input_timeout 300 s); returns its id. */
    protected String startWaitingForInput(String token) {
        String id = start(token, "dummy_with_input.waldiez", Map.of("input_timeout", "300"));
        awaitStatus(token, id, "WAITING_FOR_INPUT");
        return id;
    }

    /** The entries of a zip (the download of a task) as name → UTF-8 text. */
    protected static Map<String, String> unzip(byte[] bytes) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
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
