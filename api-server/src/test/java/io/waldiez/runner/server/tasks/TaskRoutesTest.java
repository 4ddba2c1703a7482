package io.waldiez.runner.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Routes that need no run: auth and ownership, uploads, validation, list/count, update, delete. */
class TaskRoutesTest extends TaskTestSupport {

    private static final String[] OWNER_ROUTES = {"GET /api/v1/tasks/{id}", "PATCH /api/v1/tasks/{id}",
        "PUT /api/v1/tasks/{id}", "POST /api/v1/tasks/{id}/cancel", "GET /api/v1/tasks/{id}/download",
        "DELETE /api/v1/tasks/{id}?force=true"};

    private ResponseEntity<JsonNode> call(RestClient client, String route, String id, Object body) {
        String[] parts = route.split(" ", 2);
        var spec = client.method(HttpMethod.valueOf(parts[0])).uri(parts[1], id);
        if (body != null) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
        } else if (parts[0].equals("PATCH") || parts[0].equals("PUT")) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(Map.of("results", Map.of("a", 1)));
        }
        return spec.retrieve().toEntity(JsonNode.class);
    }

    @Test
    void anotherClientsTaskIsNotFoundOnEveryRoute() {
        TestClient alice = newClient(Audiences.TASKS_API);
        TestClient bob = newClient(Audiences.TASKS_API);
        String id = insertRow(alice.id(), "alice.waldiez", "WAITING_FOR_INPUT", Instant.now());
        jdbc.sql("UPDATE tasks SET input_request_id = 'req-1' WHERE id = :id").param("id", id).update();

        for (String route : OWNER_ROUTES) {
            ResponseEntity<JsonNode> r = call(http(bob.accessToken()), route, id, null);
            assertThat(r.getStatusCode().value()).as(route).isEqualTo(404);
            assertThat(r.getBody().get("detail").asText()).as(route).isEqualTo("Task not found");
        }
        ResponseEntity<JsonNode> input = call(http(bob.accessToken()), "POST /api/v1/tasks/{id}/input", id,
                Map.of("request_id", "req-1", "data", "hi"));
        assertThat(input.getStatusCode().value()).isEqualTo(404);
        assertThat(input.getBody().get("detail").asText()).isEqualTo("Task " + id + " not found");
        // Bob's bulk delete of alice's id is silently skipped.
        http(bob.accessToken()).delete().uri("/api/v1/tasks?ids={id}&force=true", id).retrieve().toBodilessEntity();
        assertThat(bob.id()).isNotEqualTo(alice.id());
        JsonNode still = get(alice.accessToken(), id);
        assertThat(still.get("status").asText()).isEqualTo("WAITING_FOR_INPUT");
        assertThat(still.get("input_request_id").asText()).isEqualTo("req-1");

        // The admin sees it; admin input is refused (tasks-api only), like the original.
        String admin = tokenFor(Audiences.ADMIN_API);
        assertThat(http(admin).get().uri("/api/v1/tasks/{id}", id).retrieve().toEntity(JsonNode.class)
                .getStatusCode().value()).isEqualTo(200);
        assertThat(call(http(admin), "POST /api/v1/tasks/{id}/input", id, Map.of("request_id", "req-1", "data", "x"))
                .getStatusCode().value()).isEqualTo(401);
        JsonNode all = http(admin).get().uri("/api/v1/admin/tasks?search=alice&size=100").retrieve().body(JsonNode.class);
        assertThat(all.get("items").findValuesAsText("id")).contains(id);
    }

    @Test
    void tokensThatAreMissingExpiredForgedOrForAnotherAudienceAre401() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String id = insertRow(alice.id(), "a.waldiez", "COMPLETED", Instant.now());
        List<String> routes = new ArrayList<>(List.of(OWNER_ROUTES));
        routes.add("GET /api/v1/tasks");
        routes.add("GET /api/v1/tasks/count");
        routes.add("DELETE /api/v1/tasks?ids={id}");

        Instant now = Instant.now();
        String expired = tokenService.encode(alice.clientId(), Audiences.TASKS_API, "access",
                now.minusSeconds(7200), now.minusSeconds(3600));
        String valid = alice.accessToken();
        String forged = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        String clientsApi = tokenFor(Audiences.CLIENTS_API);
        String refresh = alice.tokens().refreshToken();

        for (String route : routes) {
            ResponseEntity<JsonNode> none = call(http(), route, id, null);
            assertThat(none.getStatusCode().value()).as("no token " + route).isEqualTo(401);
            assertThat(none.getBody().get("detail").asText()).isEqualTo("Not authenticated");
            for (String bad : List.of(expired, forged, clientsApi, refresh)) {
                ResponseEntity<JsonNode> r = call(http(bad), route, id, null);
                assertThat(r.getStatusCode().value()).as(route).isIn(401, 403);
                assertThat(r.getBody().get("detail").asText()).isEqualTo("Invalid credentials.");
            }
        }
        // Wrong audience per route: admin on tasks-api-only routes, tasks-api on the admin list.
        String admin = tokenFor(Audiences.ADMIN_API);
        assertThat(http(admin).get().uri("/api/v1/tasks").retrieve().toEntity(JsonNode.class).getStatusCode().value())
                .isEqualTo(401);
        assertThat(http(admin).get().uri("/api/v1/tasks/count").retrieve().toEntity(JsonNode.class)
                .getStatusCode().value()).isEqualTo(401);
        assertThat(create(admin, "x.waldiez", flow("valid.waldiez"), Map.of()).getStatusCode().value()).isEqualTo(401);
        assertThat(http(valid).get().uri("/api/v1/admin/tasks").retrieve().toEntity(JsonNode.class)
                .getStatusCode().value()).isEqualTo(401);
        assertThat(http(valid).get().uri("/api/v1/tasks/{id}", id).retrieve().toEntity(JsonNode.class)
                .getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void invalidUploadsAreRejectedWithMessages() {
        String token = newClient(Audiences.TASKS_API).accessToken();
        byte[] big = new byte[5 * 1024 * 1024 + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        assertError(create(token, "big.waldiez", big, Map.of()), 400, "File exceeds maximum size of 5.0 MB");
        assertError(create(token, "bad.waldiez", "this is not json".getBytes(), Map.of()), 400,
                "Invalid flow: the file is not valid JSON");
        assertError(create(token, "invalid.waldiez", flow("invalid.waldiez"), Map.of()), 400,
                "Invalid flow: Agent wa-1749196772350-JBGQMl9dc1ZOcHjg065i (Assistant 2) does not connect to any other node.");
        assertError(create(token, "flow.json", flow("valid.waldiez"), Map.of()), 400, "Invalid file type");
        assertError(create(token, "empty.waldiez", new byte[0], Map.of()), 400, "Uploaded file is empty");
        assertError(create(token, "zip.waldiez", new byte[] {'P', 'K', 3, 4, 0, 0}, Map.of()), 400,
                "Invalid file type: application/zip");
        assertError(create(token, "latin1.waldiez", new byte[] {'{', (byte) 0xe9, '}'}, Map.of()), 400,
                "Could not detect MIME type");
        // Same rules on /upload; nothing is kept.
        var upload = http(token).post().uri("/api/v1/tasks/upload").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form("invalid.waldiez", flow("invalid.waldiez"), Map.of())).retrieve().toEntity(JsonNode.class);
        assertError(upload, 400, "Invalid flow: Agent");
        assertThat(jdbc.sql("SELECT count(*) FROM task_uploads WHERE filename = 'invalid.waldiez'").query(Long.class)
                .single()).isZero();
        assertThat(http(token).get().uri("/api/v1/tasks/count").retrieve().body(JsonNode.class).get("count").asInt())
                .isZero();
    }

    @Test
    void uploadThenCreateByFilenameConsumesTheUploadAndValidatesEnvVars() {
        TestClient client = newClient(Audiences.TASKS_API);
        String token = client.accessToken();
        var up = http(token).post().uri("/api/v1/tasks/upload").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form("mine.waldiez", flow("valid.waldiez"), Map.of()))
                .retrieve().toEntity(JsonNode.class);
        assertThat(up.getStatusCode().value()).isEqualTo(204);
        var again = http(token).post().uri("/api/v1/tasks/upload").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form("mine.waldiez", flow("valid.waldiez"), Map.of())).retrieve().toEntity(JsonNode.class);
        assertError(again, 400, "Destination file already exists");
        // Another client cannot use it; path tricks are refused.
        String other = newClient(Audiences.TASKS_API).accessToken();
        assertError(create(other, null, null, Map.of("filename", "mine.waldiez")), 400, "Invalid file path");
        assertError(create(token, null, null, Map.of("filename", "../" + client.id() + "/mine.waldiez")), 400,
                "Invalid file path");
        // env_vars are checked before anything is created; the upload is still there.
        assertError(create(token, null, null, Map.of("filename", "mine.waldiez", "env_vars", "{\"PATH\":\"/x\"}")), 400,
                "Cannot override protected system variable: PATH");
        assertError(create(token, null, null, Map.of("filename", "mine.waldiez", "env_vars", "[1]")), 400,
                "env_vars must be a JSON object");
        assertError(create(token, null, null, Map.of("filename", "mine.waldiez", "env_vars", "{\"A\":\"$(id)\"}")), 400,
                "env_vars value for key 'A' contains unsafe characters");
        assertThat(jdbc.sql("SELECT count(*) FROM task_uploads WHERE client_id = :c").param("c", client.id())
                .query(Long.class).single()).isEqualTo(1);
        assertThat(http(token).get().uri("/api/v1/tasks/count").retrieve().body(JsonNode.class).get("count").asInt())
                .isZero();
        // Now a good create: the upload is consumed (each upload starts one task); the run is cancelled at once.
        // input_timeout from the query when the form has none (superset §13.5, what both clients send).
        ResponseEntity<JsonNode> made = createAt("/api/v1/tasks?input_timeout=7", token, null, null,
                Map.of("filename", "mine.waldiez", "env_vars", "{\"MY_FLAG\":true}"));
        assertThat(made.getStatusCode().value()).as("%s", made.getBody()).isEqualTo(200);
        assertThat(made.getBody().get("filename").asText()).isEqualTo("mine.waldiez");
        assertThat(made.getBody().get("input_timeout").asInt()).isEqualTo(7);
        assertThat(made.getBody().toString()).doesNotContain("MY_FLAG");
        assertThat(jdbc.sql("SELECT count(*) FROM task_uploads WHERE client_id = :c").param("c", client.id())
                .query(Long.class).single()).isZero();
        assertThat(http(token).post().uri("/api/v1/tasks/{id}/cancel", made.getBody().get("id").asText()).retrieve()
                .toEntity(JsonNode.class).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void listCountSearchSortAndPaging() {
        TestClient c = newClient(Audiences.TASKS_API);
        String token = c.accessToken();
        Instant t0 = Instant.now().minusSeconds(100);
        String a = insertRow(c.id(), "alpha.waldiez", "COMPLETED", t0);
        String b = insertRow(c.id(), "beta.waldiez", "FAILED", t0.plusSeconds(1));
        String g = insertRow(c.id(), "gamma.waldiez", "RUNNING", t0.plusSeconds(2));
        insertRow(newClient(Audiences.TASKS_API).id(), "alpha.waldiez", "COMPLETED", t0); // someone else's

        JsonNode page = http(token).get().uri("/api/v1/tasks?size=2").retrieve().body(JsonNode.class);
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(page.get("pages").asInt()).isEqualTo(2);
        assertThat(page.get("items").findValuesAsText("id")).containsExactly(a, b);
        JsonNode desc = http(token).get().uri("/api/v1/tasks?order_by=filename&order_type=desc").retrieve().body(JsonNode.class);
        assertThat(desc.get("items").findValuesAsText("id")).containsExactly(g, b, a);
        JsonNode byStatus = http(token).get().uri("/api/v1/tasks?order_by=status").retrieve().body(JsonNode.class);
        assertThat(byStatus.get("items").findValuesAsText("id")).containsExactly(g, a, b); // enum order
        JsonNode search = http(token).get().uri("/api/v1/tasks?search=ALP").retrieve().body(JsonNode.class);
        assertThat(search.get("items").findValuesAsText("id")).containsExactly(a);
        JsonNode searchStatus = http(token).get().uri("/api/v1/tasks?search=run").retrieve().body(JsonNode.class);
        assertThat(searchStatus.get("items").findValuesAsText("id")).containsExactly(g);
        JsonNode filtered = http(token).get().uri("/api/v1/tasks?status=FAILED").retrieve().body(JsonNode.class);
        assertThat(filtered.get("items").findValuesAsText("id")).containsExactly(b);
        JsonNode beyond = http(token).get().uri("/api/v1/tasks?page=9").retrieve().body(JsonNode.class);
        assertThat(beyond.get("items").size()).isZero();
        assertThat(beyond.get("total").asInt()).isEqualTo(3);

        assertThat(count(token, "")).isEqualTo(3);
        assertThat(count(token, "?active_only=true")).isEqualTo(1);
        assertThat(count(token, "?inactive_only=true")).isEqualTo(2);
        assertThat(count(token, "?status=COMPLETED&search=alpha")).isEqualTo(1);
        assertError(http(token).get().uri("/api/v1/tasks/count?active_only=true&inactive_only=true").retrieve()
                .toEntity(JsonNode.class), 400, "active_only and inactive_only cannot both be true");
    }

    @Test
    void updateDeleteAndBulkDelete() {
        TestClient c = newClient(Audiences.TASKS_API);
        String token = c.accessToken();
        String active = insertRow(c.id(), "active.waldiez", "RUNNING", Instant.now());
        String done = insertRow(c.id(), "done.waldiez", "COMPLETED", Instant.now());
        String done2 = insertRow(c.id(), "done2.waldiez", "FAILED", Instant.now());

        // PUT is an alias of PATCH and ignores unknown keys (the Python client sends them all).
        ResponseEntity<JsonNode> put = http(token).put().uri("/api/v1/tasks/{id}", active)
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"results\":{\"note\":1},\"input_timeout\":9,\"status\":null,\"expires_at\":null,"
                        + "\"schedule_type\":null,\"scheduled_time\":null,\"cron_expression\":null}")
                .retrieve().toEntity(JsonNode.class);
        assertThat(put.getStatusCode().value()).as("%s", put.getBody()).isEqualTo(200);
        assertThat(put.getBody().get("results").get("note").asInt()).isEqualTo(1);
        assertThat(put.getBody().get("input_timeout").asInt()).isEqualTo(180);
        assertError(http(token).patch().uri("/api/v1/tasks/{id}", done).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("results", Map.of())).retrieve().toEntity(JsonNode.class), 400,
                "Cannot update task with status COMPLETED");
        assertError(http(token).patch().uri("/api/v1/tasks/{id}", active).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("status", "COMPLETED")).retrieve().toEntity(JsonNode.class), 400, "Cannot set status COMPLETED");

        assertError(http(token).delete().uri("/api/v1/tasks/{id}", active).retrieve().toEntity(JsonNode.class), 400,
                "Cannot delete task with status RUNNING");
        assertThat(http(token).delete().uri("/api/v1/tasks/{id}", done).retrieve().toBodilessEntity()
                .getStatusCode().value()).isEqualTo(204);
        assertThat(http(token).get().uri("/api/v1/tasks/{id}", done).retrieve().toEntity(JsonNode.class)
                .getStatusCode().value()).isEqualTo(404);

        // Delete-all without ids (superset): inactive ones only, unless force.
        assertThat(http(token).delete().uri("/api/v1/tasks").retrieve().toBodilessEntity().getStatusCode().value())
                .isEqualTo(204);
        assertThat(count(token, "")).isEqualTo(1);
        assertThat(http(token).delete().uri("/api/v1/tasks?force=true").retrieve().toBodilessEntity()
                .getStatusCode().value()).isEqualTo(204);
        assertThat(count(token, "")).isZero();
        // The forced delete cancelled the (run-less) active task before hiding it.
        assertThat(jdbc.sql("SELECT status::text FROM tasks WHERE id = :id").param("id", active).query(String.class)
                .single()).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("SELECT deleted_at IS NOT NULL FROM tasks WHERE id = :id").param("id", done2)
                .query(Boolean.class).single()).isTrue();
        // Admin without ids: refused as in the original.
        assertError(http(tokenFor(Audiences.ADMIN_API)).delete().uri("/api/v1/tasks").retrieve().toEntity(JsonNode.class),
                400, "Task IDs must be specified for deletion");
    }

    @Test
    void catalogueOfBadInputsNeverGives500() {
        TestClient c = newClient(Audiences.TASKS_API);
        String token = c.accessToken();
        String id = insertRow(c.id(), "cat.waldiez", "WAITING_FOR_INPUT", Instant.now());
        String done = insertRow(c.id(), "catdone.waldiez", "COMPLETED", Instant.now());
        RestClient h = http(token);
        byte[] valid = flow("valid.waldiez");
        List<ResponseEntity<JsonNode>> rs = new ArrayList<>();
        List<String> what = new ArrayList<>();
        java.util.function.BiConsumer<String, ResponseEntity<JsonNode>> add = (w, r) -> {
            what.add(w);
            rs.add(r);
        };
        add.accept("list bad page", h.get().uri("/api/v1/tasks?page=0").retrieve().toEntity(JsonNode.class));
        add.accept("list bad size", h.get().uri("/api/v1/tasks?size=1000").retrieve().toEntity(JsonNode.class));
        add.accept("list size text", h.get().uri("/api/v1/tasks?size=abc").retrieve().toEntity(JsonNode.class));
        add.accept("list bad status", h.get().uri("/api/v1/tasks?status=running").retrieve().toEntity(JsonNode.class));
        add.accept("list bad order_by", h.get().uri("/api/v1/tasks?order_by=client_id").retrieve().toEntity(JsonNode.class));
        add.accept("list bad order_type", h.get().uri("/api/v1/tasks?order_type=up").retrieve().toEntity(JsonNode.class));
        add.accept("count empty search", h.get().uri("/api/v1/tasks/count?search=").retrieve().toEntity(JsonNode.class));
        add.accept("count bad bool", h.get().uri("/api/v1/tasks/count?active_only=maybe").retrieve().toEntity(JsonNode.class));
        add.accept("count bad status", h.get().uri("/api/v1/tasks/count?status=X").retrieve().toEntity(JsonNode.class));
        add.accept("create nothing", create(token, null, null, Map.of()));
        add.accept("create two sources", create(token, "a.waldiez", valid, Map.of("filename", "a.waldiez")));
        add.accept("create http url", create(token, null, null, Map.of("file_url", "http://example.com/a.waldiez")));
        add.accept("create https url", create(token, null, null, Map.of("file_url", "https://example.com/a.waldiez")));
        add.accept("create schedule", create(token, "s.waldiez", valid, Map.of("schedule_type", "cron")));
        add.accept("create timeout text", create(token, "t.waldiez", valid, Map.of("input_timeout", "soon")));
        add.accept("create timeout 0", create(token, "t.waldiez", valid, Map.of("input_timeout", "0")));
        add.accept("create timeout huge", create(token, "t.waldiez", valid, Map.of("input_timeout", "99999999999")));
        add.accept("create query timeout text", createAt("/api/v1/tasks?input_timeout=x", token, "t.waldiez", valid, Map.of()));
        add.accept("create force text", create(token, "t.waldiez", valid, Map.of("force", "perhaps")));
        add.accept("create env not json", create(token, "e.waldiez", valid, Map.of("env_vars", "{nope")));
        add.accept("create env too long", create(token, "e.waldiez", valid, Map.of("env_vars", "{\"A\":\"" + "x".repeat(5000) + "\"}")));
        add.accept("create env key", create(token, "e.waldiez", valid, Map.of("env_vars", "{\"1-A\":\"x\"}")));
        add.accept("create env WALDIEZ_", create(token, "e.waldiez", valid, Map.of("env_vars", "{\"WALDIEZ_REDIS_URL\":\"x\"}")));
        add.accept("create env url", create(token, "e.waldiez", valid, Map.of("env_vars", "{\"A\":\"https://x\"}")));
        add.accept("create no name", create(token, "", valid, Map.of()));
        add.accept("create upper suffix", create(token, "a.WALDIEZ", valid, Map.of()));
        add.accept("create json array", create(token, "a.waldiez", "[1,2]".getBytes(), Map.of()));
        add.accept("create type not flow", create(token, "a.waldiez", "{\"type\":\"model\",\"data\":{}}".getBytes(), Map.of()));
        add.accept("create no agents", create(token, "a.waldiez",
                "{\"type\":\"flow\",\"data\":{\"models\":[],\"tools\":[],\"chats\":[]}}".getBytes(), Map.of()));
        add.accept("create bad chat", create(token, "a.waldiez", ("{\"type\":\"flow\",\"data\":{\"models\":[],\"tools\":[],"
                + "\"agents\":{\"assistantAgents\":[{\"id\":\"a1\",\"name\":\"A\"}]},\"chats\":[{\"id\":\"c\",\"source\":\"a1\",\"target\":\"zz\"}]}}").getBytes(), Map.of()));
        add.accept("create bad model ref", create(token, "a.waldiez", ("{\"type\":\"flow\",\"data\":{\"models\":[],\"tools\":[],"
                + "\"agents\":{\"assistantAgents\":[{\"id\":\"a1\",\"name\":\"A\",\"data\":{\"modelIds\":[\"m9\"]}}]},\"chats\":[]}}").getBytes(), Map.of()));
        add.accept("create dup keys", create(token, "a.waldiez", "{\"type\":\"flow\",\"type\":\"flow\"}".getBytes(), Map.of()));
        add.accept("create json body", h.post().uri("/api/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .body("{\"file\":1}").retrieve().toEntity(JsonNode.class));
        add.accept("create garbage multipart", h.post().uri("/api/v1/tasks")
                .header("Content-Type", "multipart/form-data; boundary=xyz").body("not multipart".getBytes(StandardCharsets.UTF_8))
                .retrieve().toEntity(JsonNode.class));
        add.accept("upload no file", h.post().uri("/api/v1/tasks/upload").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form(null, null, Map.of("x", "y"))).retrieve().toEntity(JsonNode.class));
        add.accept("upload name that is only a path", h.post().uri("/api/v1/tasks/upload").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form("a/../", valid, Map.of())).retrieve().toEntity(JsonNode.class));
        add.accept("get unknown", h.get().uri("/api/v1/tasks/{id}", "0".repeat(32)).retrieve().toEntity(JsonNode.class));
        add.accept("get weird id", h.get().uri("/api/v1/tasks/{id}", "x".repeat(300)).retrieve().toEntity(JsonNode.class));
        add.accept("patch not object", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .body("[1]").retrieve().toEntity(JsonNode.class));
        add.accept("patch bad json", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .body("{").retrieve().toEntity(JsonNode.class));
        add.accept("patch bad status", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .body("{\"status\":\"DONE\"}").retrieve().toEntity(JsonNode.class));
        add.accept("patch bad results", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .body("{\"results\":5}").retrieve().toEntity(JsonNode.class));
        add.accept("patch bad expires", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .body("{\"expires_at\":\"tomorrow\"}").retrieve().toEntity(JsonNode.class));
        add.accept("patch cron", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .body("{\"cron_expression\":\"* * * * *\"}").retrieve().toEntity(JsonNode.class));
        add.accept("patch no body", h.patch().uri("/api/v1/tasks/{id}", id).contentType(MediaType.APPLICATION_JSON)
                .retrieve().toEntity(JsonNode.class));
        add.accept("input missing data", h.post().uri("/api/v1/tasks/{id}/input", id).contentType(MediaType.APPLICATION_JSON)
                .body("{\"request_id\":\"r\"}").retrieve().toEntity(JsonNode.class));
        add.accept("input not json", h.post().uri("/api/v1/tasks/{id}/input", id).contentType(MediaType.APPLICATION_JSON)
                .body("nope").retrieve().toEntity(JsonNode.class));
        add.accept("input form", h.post().uri("/api/v1/tasks/{id}/input", id).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body("request_id=r&data=d").retrieve().toEntity(JsonNode.class));
        add.accept("input not waiting", h.post().uri("/api/v1/tasks/{id}/input", done).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("request_id", "r", "data", "d")).retrieve().toEntity(JsonNode.class));
        add.accept("input no pending id", h.post().uri("/api/v1/tasks/{id}/input", id).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("request_id", "r", "data", "d")).retrieve().toEntity(JsonNode.class));
        add.accept("cancel final", h.post().uri("/api/v1/tasks/{id}/cancel", done).retrieve().toEntity(JsonNode.class));
        add.accept("delete bad force", h.delete().uri("/api/v1/tasks/{id}?force=sure", done).retrieve().toEntity(JsonNode.class));
        add.accept("bulk delete bad force", h.delete().uri("/api/v1/tasks?ids=a&force=sure").retrieve().toEntity(JsonNode.class));
        add.accept("download unknown", h.get().uri("/api/v1/tasks/{id}/download", "f".repeat(32)).retrieve().toEntity(JsonNode.class));
        add.accept("admin list bad order", http(tokenFor(Audiences.ADMIN_API)).get().uri("/api/v1/admin/tasks?order_by=x")
                .retrieve().toEntity(JsonNode.class));
        add.accept("post on id", h.post().uri("/api/v1/tasks/{id}", id).retrieve().toEntity(JsonNode.class));

        // LIKE wildcards and quotes in a search are plain text: an empty page, not an error.
        ResponseEntity<JsonNode> odd = h.get().uri("/api/v1/tasks?search={s}", "%_\\'\"").retrieve().toEntity(JsonNode.class);
        assertThat(odd.getStatusCode().value()).isEqualTo(200);
        assertThat(odd.getBody().get("total").asInt()).isZero();
        assertThat(rs).hasSizeGreaterThanOrEqualTo(30);
        for (int i = 0; i < rs.size(); i++) {
            ResponseEntity<JsonNode> r = rs.get(i);
            assertThat(r.getStatusCode().value()).as("%s → %s %s", what.get(i), r.getStatusCode(), r.getBody())
                    .isBetween(400, 499);
            assertThat(r.getBody()).as(what.get(i)).isNotNull();
            assertThat(r.getBody().has("detail")).as(what.get(i)).isTrue();
        }
        // None of them created a task or changed the waiting one.
        assertThat(count(token, "")).isEqualTo(2);
        assertThat(get(token, id).get("status").asText()).isEqualTo("WAITING_FOR_INPUT");
    }

    private long count(String token, String query) {
        return http(token).get().uri("/api/v1/tasks/count" + query).retrieve().body(JsonNode.class).get("count").asLong();
    }

    private static void assertError(ResponseEntity<JsonNode> r, int status, String detailPrefix) {
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(status);
        assertThat(r.getBody().get("detail").asText()).startsWith(detailPrefix);
    }
}
