package io.waldiez.runner.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

class WebPlumbingTest extends ApiServerIntegrationTest {

    @Test
    void corsPreflightFromAllowedOrigin() {
        for (String method : List.of("POST", "GET", "DELETE", "PATCH")) {
            ResponseEntity<String> r = http().options().uri("/api/v1/tasks")
                    .header(HttpHeaders.ORIGIN, "http://localhost:3000")
                    .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, method)
                    .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
                    .retrieve().toEntity(String.class);
            assertThat(r.getStatusCode().value()).as(method).isEqualTo(200);
            HttpHeaders h = r.getHeaders();
            assertThat(h.getAccessControlAllowOrigin()).isEqualTo("http://localhost:3000");
            assertThat(h.getAccessControlAllowCredentials()).isTrue();
            assertThat(h.getAccessControlAllowMethods()).contains(HttpMethod.valueOf(method));
            assertThat(String.join(",", h.getAccessControlAllowHeaders()).toLowerCase())
                    .contains("authorization").contains("content-type");
        }
        // the token endpoint (form/multipart from the browser UI)
        ResponseEntity<String> token = http().options().uri("/auth/token")
                .header(HttpHeaders.ORIGIN, "http://localhost:3000")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                .retrieve().toEntity(String.class);
        assertThat(token.getStatusCode().value()).isEqualTo(200);
        // actual request carries the CORS headers, also on errors
        ResponseEntity<String> actual = http().get().uri("/status").header(HttpHeaders.ORIGIN, "http://localhost:3000")
                .retrieve().toEntity(String.class);
        assertThat(actual.getStatusCode().value()).isEqualTo(401);
        assertThat(actual.getHeaders().getAccessControlAllowOrigin()).isEqualTo("http://localhost:3000");
    }

    @Test
    void corsRefusedForOtherOrigins() {
        ResponseEntity<String> r = http().options().uri("/api/v1/tasks")
                .header(HttpHeaders.ORIGIN, "http://evil.example")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
                .retrieve().toEntity(String.class);
        assertThat(r.getStatusCode().value()).isEqualTo(403);
        assertThat(r.getHeaders().getAccessControlAllowOrigin()).isNull();
        ResponseEntity<String> actual = http().get().uri("/health").header(HttpHeaders.ORIGIN, "http://evil.example")
                .retrieve().toEntity(String.class);
        assertThat(actual.getHeaders().getAccessControlAllowOrigin()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"/health", "/health/", "/healthz/", "/status/", "/api/v1/clients/", "/api/v1/clients"})
    void trailingSlashVariantsBehaveTheSame(String path) {
        String token = tokenFor(Audiences.CLIENTS_API);
        ResponseEntity<String> r = http(token).get().uri(path).retrieve().toEntity(String.class);
        assertThat(r.getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAreJson404() {
        for (String path : List.of("/nope", "/api/v1/nope", "/api/v2/tasks", "/auth", "/favicon.ico")) {
            ResponseEntity<JsonNode> r = http().get().uri(path).retrieve().toEntity(JsonNode.class);
            assertThat(r.getStatusCode().value()).as(path).isEqualTo(404);
            assertThat(r.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
            assertThat(r.getBody().get("detail").asText()).isEqualTo("Not Found");
        }
        ResponseEntity<JsonNode> post = http().post().uri("/nope").retrieve().toEntity(JsonNode.class);
        assertThat(post.getStatusCode().value()).isIn(404, 405);
        assertThat(post.getBody().has("detail")).isTrue();
    }

    @Test
    void wrongMethodIs405Json() {
        ResponseEntity<JsonNode> r = http().get().uri("/auth/token").retrieve().toEntity(JsonNode.class);
        assertThat(r.getStatusCode().value()).isEqualTo(405);
        assertThat(r.getBody().get("detail").asText()).isEqualTo("Method Not Allowed");
        ResponseEntity<JsonNode> del = http().delete().uri("/health").retrieve().toEntity(JsonNode.class);
        assertThat(del.getStatusCode().value()).isEqualTo(405);
        assertThat(del.getBody().get("detail").asText()).isEqualTo("Method Not Allowed");
        ResponseEntity<JsonNode> put = http(tokenFor(Audiences.CLIENTS_API)).put().uri("/api/v1/clients")
                .contentType(MediaType.APPLICATION_JSON).body("{}").retrieve().toEntity(JsonNode.class);
        assertThat(put.getStatusCode().value()).isEqualTo(405);
    }

    @Test
    void badInputCatalogueNeverGives500() {
        String clients = tokenFor(Audiences.CLIENTS_API);
        record Req(String method, String path, String contentType, String body, String token) {}
        List<Req> catalogue = List.of(
                new Req("POST", "/auth/token", "application/json", "[]", null),
                new Req("POST", "/auth/token", "application/json", "{\"client_id\": 5, \"client_secret\": {}}", null),
                new Req("POST", "/auth/token", "application/json", "{\"client_id\": \"" + "x".repeat(5000) + "\", \"client_secret\": \"y\"}", null),
                new Req("POST", "/auth/token", "application/x-www-form-urlencoded", "client_id=&client_secret=", null),
                new Req("POST", "/auth/token", "application/x-www-form-urlencoded", "%%%", null),
                new Req("POST", "/auth/token", "multipart/form-data; boundary=zzz", "garbage", null),
                new Req("POST", "/auth/token", "text/plain", "hi", null),
                new Req("POST", "/auth/token", "application/x-www-form-urlencoded", "client_id=a%00b&client_secret=x", null),
                new Req("POST", "/api/v1/clients", "application/json", "{\"client_id\": \"a\\u0000b\"}", clients),
                new Req("POST", "/auth/token/refresh", "application/json", "{\"refresh_token\": 12}", null),
                new Req("POST", "/auth/token/refresh", "application/json", "{\"refresh_token\": \"a.b.c\"}", null),
                new Req("POST", "/auth/token/refresh", "application/json", "{\"refresh_token\": \"\"}", null),
                new Req("POST", "/auth/token/refresh", "application/json", "{\"refresh_token\": \"x\", \"audience\": 3}", null),
                new Req("POST", "/auth/token/refresh", "application/x-www-form-urlencoded", "refresh_token=eyJhbGciOiJub25lIn0.e30.", null),
                new Req("GET", "/api/v1/clients?page=99999999999999", null, null, clients),
                new Req("GET", "/api/v1/clients?size=&page=", null, null, clients),
                new Req("GET", "/api/v1/clients?search=%00", null, null, clients),
                new Req("GET", "/api/v1/clients?search=" + "a".repeat(3000), null, null, clients),
                new Req("POST", "/api/v1/clients", "application/json", "{\"name\": null}", clients),
                new Req("POST", "/api/v1/clients", "application/json", "{\"audience\": [\"tasks-api\"]}", clients),
                new Req("POST", "/api/v1/clients", "application/json", "{\"description\": \"\\u0000\"}", clients),
                new Req("POST", "/api/v1/clients", "application/json", "{\"plain_secret\": \"\"}", clients),
                new Req("PATCH", "/api/v1/clients/abc", "application/json", "{\"name\": \"\"}", clients),
                new Req("PATCH", "/api/v1/clients/abc", "application/json", "nope", clients),
                new Req("DELETE", "/api/v1/clients?ids=", null, null, clients),
                new Req("GET", "/status", null, null, "a.b.c"),
                new Req("GET", "/status", null, null, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        for (Req req : catalogue) {
            var spec = http().method(HttpMethod.valueOf(req.method())).uri(java.net.URI.create(baseUrl() + req.path()));
            if (req.token() != null) {
                spec = spec.header(HttpHeaders.AUTHORIZATION, "Bearer " + req.token());
            }
            if (req.contentType() != null) {
                spec = spec.header(HttpHeaders.CONTENT_TYPE, req.contentType());
            }
            if (req.body() != null) {
                spec = ((org.springframework.web.client.RestClient.RequestBodySpec) spec).body(req.body());
            }
            ResponseEntity<String> r = spec.retrieve().toEntity(String.class);
            assertThat(r.getStatusCode().value()).as(req.toString()).isBetween(200, 499);
            if (r.getStatusCode().value() >= 400) {
                assertThat(r.getBody()).as(req.toString()).contains("\"detail\"");
            }
        }
    }
}
