package io.waldiez.runner.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.common.Ids;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

class ClientsApiTest extends ApiServerIntegrationTest {

    private TestClient admin;
    private RestClient api;

    @BeforeEach
    void caller() {
        admin = newClient(Audiences.CLIENTS_API);
        api = http(admin.accessToken());
    }

    private ResponseEntity<JsonNode> create(Object body) {
        return api.post().uri("/api/v1/clients").contentType(MediaType.APPLICATION_JSON).body(body)
                .retrieve().toEntity(JsonNode.class);
    }

    @Test
    void createGetUpdateDelete() {
        ResponseEntity<JsonNode> created = create(Map.of("name", "t", "description", "d", "unknown_key", 1));
        assertThat(created.getStatusCode().value()).isEqualTo(200);
        JsonNode c = created.getBody();
        String id = c.get("id").asText();
        assertThat(Ids.isId(id)).isTrue();
        assertThat(c.get("client_id").asText()).hasSize(64);
        assertThat(c.get("client_secret").asText()).hasSize(128);
        assertThat(c.get("audience").asText()).isEqualTo("tasks-api");
        assertThat(c.get("name").asText()).isEqualTo("t");
        assertThat(c.get("description").asText()).isEqualTo("d");
        assertThat(c.get("created_at").asText()).endsWith("Z");
        // the secret is stored hashed (Argon2id), never plain
        ClientRecord row = clientService.findById(id).orElseThrow();
        assertThat(row.clientSecret()).startsWith("{argon2}$argon2id$").doesNotContain(c.get("client_secret").asText());

        // the created credentials work
        ResponseEntity<JsonNode> token = http().post().uri("/auth/token")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body("client_id=" + c.get("client_id").asText() + "&client_secret=" + c.get("client_secret").asText())
                .retrieve().toEntity(JsonNode.class);
        assertThat(token.getStatusCode().value()).isEqualTo(200);

        ResponseEntity<JsonNode> got = api.get().uri("/api/v1/clients/{id}", id).retrieve().toEntity(JsonNode.class);
        assertThat(got.getStatusCode().value()).isEqualTo(200);
        assertThat(got.getBody().has("client_secret")).isFalse();
        assertThat(got.getBody().get("name").asText()).isEqualTo("t");
        assertThat(got.getBody().has("description")).isTrue();

        ResponseEntity<JsonNode> patched = api.patch().uri("/api/v1/clients/{id}/", id)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("name", "n2")).retrieve().toEntity(JsonNode.class);
        assertThat(patched.getStatusCode().value()).isEqualTo(200);
        assertThat(patched.getBody().get("name").asText()).isEqualTo("n2");
        assertThat(patched.getBody().get("description").asText()).isEqualTo("d");

        // null description leaves it; "" clears it; PUT is an alias
        ResponseEntity<JsonNode> put = api.put().uri("/api/v1/clients/{id}", id)
                .contentType(MediaType.APPLICATION_JSON).body("{\"description\": null}").retrieve().toEntity(JsonNode.class);
        assertThat(put.getStatusCode().value()).isEqualTo(200);
        assertThat(put.getBody().get("description").asText()).isEqualTo("d");
        ResponseEntity<JsonNode> cleared = api.patch().uri("/api/v1/clients/{id}", id)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("description", "")).retrieve().toEntity(JsonNode.class);
        assertThat(cleared.getBody().get("description").asText()).isEmpty();

        assertThat(api.delete().uri("/api/v1/clients/{id}", id).retrieve().toBodilessEntity().getStatusCode().value())
                .isEqualTo(204);
        ResponseEntity<JsonNode> gone = api.get().uri("/api/v1/clients/{id}", id).retrieve().toEntity(JsonNode.class);
        assertThat(gone.getStatusCode().value()).isEqualTo(404);
        assertThat(gone.getBody().get("detail").asText()).isEqualTo("Client not found.");
        // deleting again: still 204, like the original
        assertThat(api.delete().uri("/api/v1/clients/{id}", id).retrieve().toBodilessEntity().getStatusCode().value())
                .isEqualTo(204);
    }

    @Test
    void createWithGivenIdSecretAndAudience() {
        String cid = "custom-" + Ids.randomHex(4);
        ResponseEntity<JsonNode> r = create(Map.of("client_id", cid, "plain_secret", "s3cret-s3cret",
                "audience", "clients-api"));
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        assertThat(r.getBody().get("client_id").asText()).isEqualTo(cid);
        assertThat(r.getBody().get("client_secret").asText()).isEqualTo("s3cret-s3cret");
        assertThat(r.getBody().get("audience").asText()).isEqualTo("clients-api");
        assertThat(r.getBody().get("name").asText()).isEqualTo("Default");
        assertThat(r.getBody().get("description").isNull()).isTrue();

        ResponseEntity<JsonNode> dup = create(Map.of("client_id", cid));
        assertThat(dup.getStatusCode().value()).isEqualTo(400);
        assertThat(dup.getBody().get("detail").asText()).contains("already exists");

        ResponseEntity<JsonNode> aud = create(Map.of("audience", "root-api"));
        assertThat(aud.getStatusCode().value()).isEqualTo(400);
        assertThat(aud.getBody().get("detail").asText()).startsWith("Invalid audience");
    }

    @Test
    void badBodiesAre4xx() {
        assertThat(create("{not json").getStatusCode().value()).isEqualTo(422);
        assertThat(create(Map.of("name", "")).getStatusCode().value()).isEqualTo(422);
        assertThat(create(Map.of("name", "x".repeat(300))).getStatusCode().value()).isEqualTo(422);
        assertThat(create(Map.of("client_id", "has space")).getStatusCode().value()).isEqualTo(422);
        assertThat(create(Map.of("client_id", "")).getStatusCode().value()).isEqualTo(422);
        ResponseEntity<JsonNode> wrongType = create(Map.of("name", List.of(1, 2)));
        assertThat(wrongType.getStatusCode().value()).isEqualTo(422);
        assertThat(wrongType.getBody().get("detail").get(0).get("loc").get(1).asText()).isEqualTo("name");
        assertThat(create("[]").getStatusCode().value()).isEqualTo(422);
        assertThat(create("\"str\"").getStatusCode().value()).isEqualTo(422);
        ResponseEntity<JsonNode> form = api.post().uri("/api/v1/clients")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body("name=x").retrieve().toEntity(JsonNode.class);
        assertThat(form.getStatusCode().value()).isEqualTo(415);
        assertThat(form.getBody().get("detail").asText()).contains("Unsupported media type");
        ResponseEntity<JsonNode> noBody = api.post().uri("/api/v1/clients").retrieve().toEntity(JsonNode.class);
        assertThat(noBody.getStatusCode().value()).isIn(415, 422);
        ResponseEntity<JsonNode> patchMissing = api.patch().uri("/api/v1/clients/{id}", Ids.newId())
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("name", "x")).retrieve().toEntity(JsonNode.class);
        assertThat(patchMissing.getStatusCode().value()).isEqualTo(404);
        ResponseEntity<JsonNode> weirdId = api.get().uri("/api/v1/clients/{id}", "' or 1=1 --")
                .retrieve().toEntity(JsonNode.class);
        assertThat(weirdId.getStatusCode().value()).isEqualTo(404);
        // the firewall refuses ';' in paths: still a JSON 4xx, never a 500
        ResponseEntity<JsonNode> semicolon = api.get().uri("/api/v1/clients/{id}", "x;drop table clients")
                .retrieve().toEntity(JsonNode.class);
        assertThat(semicolon.getStatusCode().value()).isEqualTo(400);
        assertThat(semicolon.getBody().get("detail").asText()).isNotBlank();
    }

    @Test
    void listSearchOrderAndPaging() {
        String tag = "zz" + Ids.randomHex(4);
        List<String> ids = new ArrayList<>();
        for (String name : List.of("b", "a", "c")) {
            ids.add(create(Map.of("name", tag + "-" + name, "description", "list test")).getBody().get("id").asText());
        }
        ResponseEntity<JsonNode> page = api.get().uri("/api/v1/clients?search={s}&order_by=name&order_type=desc&size=2",
                tag.toUpperCase()).retrieve().toEntity(JsonNode.class);
        assertThat(page.getStatusCode().value()).isEqualTo(200);
        JsonNode body = page.getBody();
        assertThat(body.get("total").asInt()).isEqualTo(3);
        assertThat(body.get("page").asInt()).isEqualTo(1);
        assertThat(body.get("size").asInt()).isEqualTo(2);
        assertThat(body.get("pages").asInt()).isEqualTo(2);
        assertThat(body.get("items").get(0).get("name").asText()).isEqualTo(tag + "-c");
        assertThat(body.get("items").get(1).get("name").asText()).isEqualTo(tag + "-b");
        assertThat(body.get("items").get(0).has("client_secret")).isFalse();

        JsonNode second = api.get().uri("/api/v1/clients/?search={s}&order_by=name&order_type=desc&size=2&page=2", tag)
                .retrieve().body(JsonNode.class);
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("items").get(0).get("name").asText()).isEqualTo(tag + "-a");

        JsonNode beyond = api.get().uri("/api/v1/clients?search={s}&page=9", tag).retrieve().body(JsonNode.class);
        assertThat(beyond.get("items")).isEmpty();
        assertThat(beyond.get("total").asInt()).isEqualTo(3);

        // default order: created_at ascending
        JsonNode byCreation = api.get().uri("/api/v1/clients?search={s}", tag).retrieve().body(JsonNode.class);
        assertThat(byCreation.get("items").findValuesAsText("id")).containsExactlyElementsOf(ids);

        // LIKE wildcards are literal
        JsonNode wildcard = api.get().uri("/api/v1/clients?search=%25").retrieve().body(JsonNode.class);
        assertThat(wildcard.get("total").asInt()).isZero();

        for (String bad : List.of("page=0", "page=abc", "size=0", "size=101", "size=x", "order_by=secret",
                "order_by=client_secret", "order_type=up", "page=-1", "size=1e3")) {
            ResponseEntity<JsonNode> r = api.get().uri("/api/v1/clients?" + bad).retrieve().toEntity(JsonNode.class);
            assertThat(r.getStatusCode().value()).as(bad).isEqualTo(422);
            JsonNode detail = r.getBody().get("detail");
            assertThat(detail.isArray()).as(bad).isTrue();
            assertThat(detail.get(0).get("loc").get(0).asText()).as(bad).isEqualTo("query");
            assertThat(detail.get(0).get("msg").asText()).as(bad).isNotBlank();
        }
    }

    @Test
    void cannotDeleteSelf() {
        ResponseEntity<JsonNode> self = api.delete().uri("/api/v1/clients/{id}", admin.id()).retrieve().toEntity(JsonNode.class);
        assertThat(self.getStatusCode().value()).isEqualTo(403);
        assertThat(self.getBody().get("detail").asText()).isEqualTo("You are not allowed to delete this client.");

        ResponseEntity<JsonNode> bulkSelf = api.delete().uri("/api/v1/clients?ids={a}&ids={b}", Ids.newId(), admin.id())
                .retrieve().toEntity(JsonNode.class);
        assertThat(bulkSelf.getStatusCode().value()).isEqualTo(400);
        assertThat(bulkSelf.getBody().get("detail").asText())
                .isEqualTo("You cannot delete the client you use to make this request.");
        assertThat(clientService.findById(admin.id())).isPresent();
    }

    @Test
    void bulkDeleteMatchesAllFilters() {
        TestClient t1 = newClient(Audiences.TASKS_API);
        TestClient t2 = newClient(Audiences.TASKS_API);
        TestClient c1 = newClient(Audiences.CLIENTS_API);
        // ids ∩ audiences: only t1 matches both; unknown audiences are ignored in the filter
        assertThat(api.delete().uri("/api/v1/clients?ids={a}&ids={b}&audiences=tasks-api&audiences=bogus&excluded=x",
                        t1.id(), c1.id())
                .retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(204);
        assertThat(clientService.findById(t1.id())).isEmpty();
        assertThat(clientService.findById(c1.id())).isPresent();
        assertThat(clientService.findById(t2.id())).isPresent();

        assertThat(api.delete().uri("/api/v1/clients/?ids={a}&ids={b}", t2.id(), c1.id())
                .retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(204);
        assertThat(clientService.findById(t2.id())).isEmpty();
        assertThat(clientService.findById(c1.id())).isEmpty();
        assertThat(clientService.findById(admin.id())).isPresent();
    }

    @Test
    void emptyIdsDeleteNothing() {
        TestClient t = newClient(Audiences.TASKS_API);
        for (String query : List.of("ids=", "ids=&ids=%20")) {
            assertThat(api.delete().uri("/api/v1/clients?" + query).retrieve().toBodilessEntity().getStatusCode().value())
                    .isEqualTo(204);
        }
        assertThat(clientService.findById(t.id())).isPresent();
    }

    @Test
    void onlyClientsApiAudience() {
        for (String aud : List.of(Audiences.TASKS_API, Audiences.ADMIN_API)) {
            ResponseEntity<JsonNode> r = http(tokenFor(aud)).get().uri("/api/v1/clients").retrieve().toEntity(JsonNode.class);
            assertThat(r.getStatusCode().value()).isEqualTo(401);
        }
        assertThat(http().get().uri("/api/v1/clients").retrieve().toEntity(JsonNode.class).getBody().get("detail").asText())
                .isEqualTo("Not authenticated");
    }
}
