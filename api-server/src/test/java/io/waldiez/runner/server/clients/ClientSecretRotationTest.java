package io.waldiez.runner.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** POST /api/v1/clients/{id}/secret: a new secret, shown once; the old one stops working. */
class ClientSecretRotationTest extends ApiServerIntegrationTest {

    private int tokenStatus(String clientId, String secret) {
        return http().post().uri("/auth/token").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("client_id", clientId, "client_secret", secret))
                .retrieve().toEntity(JsonNode.class).getStatusCode().value();
    }

    @Test
    void rotatesTheSecret() {
        TestClient target = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> r = http(tokenFor(Audiences.CLIENTS_API)).post()
                .uri("/api/v1/clients/{id}/secret", target.id()).retrieve().toEntity(JsonNode.class);
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        String secret = r.getBody().get("client_secret").asText();
        assertThat(r.getBody().get("client_id").asText()).isEqualTo(target.clientId());
        assertThat(secret).hasSize(128).isNotEqualTo(target.secret());
        assertThat(tokenStatus(target.clientId(), target.secret())).isEqualTo(401);
        assertThat(tokenStatus(target.clientId(), secret)).isEqualTo(200);
    }

    @Test
    void unknownClientIs404AndOtherAudiencesAre401() {
        ResponseEntity<JsonNode> missing = http(tokenFor(Audiences.CLIENTS_API)).post()
                .uri("/api/v1/clients/{id}/secret", "0".repeat(32)).retrieve().toEntity(JsonNode.class);
        assertThat(missing.getStatusCode().value()).isEqualTo(404);
        assertThat(missing.getBody().get("detail").asText()).isEqualTo("Client not found.");
        TestClient target = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> wrong = http(tokenFor(Audiences.ADMIN_API)).post()
                .uri("/api/v1/clients/{id}/secret", target.id()).retrieve().toEntity(JsonNode.class);
        assertThat(wrong.getStatusCode().value()).isEqualTo(401);
        assertThat(tokenStatus(target.clientId(), target.secret())).isEqualTo(200);
    }
}
