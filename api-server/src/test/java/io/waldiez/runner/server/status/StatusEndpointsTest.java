package io.waldiez.runner.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

class StatusEndpointsTest extends ApiServerIntegrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/healthz", "/health/", "/healthz/"})
    void healthIsPlainOk(String path) {
        ResponseEntity<String> r = http().get().uri(path).retrieve().toEntity(String.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(r.getBody()).isEqualTo("OK");
        assertThat(r.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_PLAIN)).isTrue();
    }

    @Test
    void robots() {
        ResponseEntity<String> r = http().get().uri("/robots.txt").retrieve().toEntity(String.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(r.getBody()).isEqualTo("User-agent: *\nDisallow: /");
    }

    @ParameterizedTest
    @ValueSource(strings = {Audiences.TASKS_API, Audiences.CLIENTS_API, Audiences.ADMIN_API})
    void statusForEveryAudience(String audience) {
        for (String path : new String[] {"/status", "/status/"}) {
            ResponseEntity<JsonNode> r = http(tokenFor(audience)).get().uri(path).retrieve().toEntity(JsonNode.class);
            assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
            JsonNode body = r.getBody();
            assertThat(body.get("healthy").asBoolean()).isTrue();
            assertThat(body.get("active_tasks").isIntegralNumber()).isTrue();
            assertThat(body.get("pending_tasks").isIntegralNumber()).isTrue();
            assertThat(body.get("max_capacity").asInt()).isEqualTo(5);
            assertThat(body.get("cpu_count").asInt()).isPositive();
            assertThat(body.get("total_memory").asLong()).isPositive();
            assertThat(body.get("used_memory").asLong()).isPositive();
            // Whole-number floats: "44.0", never "43.7" (the Python client parses them as int).
            assertThat(body.get("memory_percent").isDouble()).isTrue();
            assertThat(body.get("memory_percent").asDouble() % 1).isZero();
            assertThat(body.get("cpu_percent").isDouble()).isTrue();
            assertThat(body.get("cpu_percent").asDouble() % 1).isZero();
        }
    }

    @Test
    void statusNeedsToken() {
        ResponseEntity<JsonNode> r = http().get().uri("/status").retrieve().toEntity(JsonNode.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(r.getBody().get("detail").asText()).isEqualTo("Not authenticated");
    }

    @Test
    void openApiAndSwaggerUi() {
        ResponseEntity<JsonNode> api = http().get().uri("/openapi.json").retrieve().toEntity(JsonNode.class);
        assertThat(api.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(api.getBody().get("paths").has("/auth/token")).isTrue();
        assertThat(api.getBody().get("paths").has("/api/v1/clients")).isTrue();
        ResponseEntity<String> docs = http().get().uri("/docs").retrieve().toEntity(String.class);
        // springdoc redirects /docs to the UI page
        assertThat(docs.getStatusCode().is2xxSuccessful() || docs.getStatusCode().is3xxRedirection()).isTrue();
        ResponseEntity<String> ui = http().get().uri("/swagger-ui/index.html").retrieve().toEntity(String.class);
        assertThat(ui.getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void actuatorProbesAndMetrics() {
        ResponseEntity<JsonNode> health = http().get().uri("/actuator/health").retrieve().toEntity(JsonNode.class);
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody().get("status").asText()).isEqualTo("UP");
        assertThat(http().get().uri("/actuator/health/readiness").retrieve().toEntity(String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(http().get().uri("/actuator/health/liveness").retrieve().toEntity(String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        ResponseEntity<String> prom = http().get().uri("/actuator/prometheus").retrieve().toEntity(String.class);
        assertThat(prom.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(prom.getBody()).contains("jvm_memory_used_bytes");
    }

    @Test
    void securityHeadersOnEveryResponse() {
        ResponseEntity<String> r = http().get().uri("/health").retrieve().toEntity(String.class);
        assertThat(r.getHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.getHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.getHeaders().getFirst("X-XSS-Protection")).isEqualTo("1; mode=block");
        assertThat(r.getHeaders().getFirst("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
        assertThat(r.getHeaders().getFirst("Referrer-Policy")).isEqualTo("strict-origin-when-cross-origin");
        assertThat(r.getHeaders().getFirst("Content-Security-Policy")).startsWith("default-src 'none'");
        // Errors too.
        ResponseEntity<String> err = http().get().uri("/status").retrieve().toEntity(String.class);
        assertThat(err.getHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
        // ...but not on task downloads (spec §1.5)
        for (String path : new String[] {"/api/v1/tasks/abc/download", "/api/v1/tasks/abc/download/"}) {
            ResponseEntity<String> dl = http().get().uri(path).retrieve().toEntity(String.class);
            assertThat(dl.getStatusCode().value()).isEqualTo(401);
            assertThat(dl.getHeaders().getFirst("X-Frame-Options")).isNull();
            assertThat(dl.getHeaders().getFirst("Content-Security-Policy")).isNull();
        }
    }
}
