package io.waldiez.runner.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

class AuthTokensTest extends ApiServerIntegrationTest {

    @Autowired
    ObjectMapper mapper;

    @Autowired
    TokenVerifier verifier;

    private ResponseEntity<JsonNode> form(String path, MultiValueMap<String, String> form) {
        return http().post().uri(path).contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                .retrieve().toEntity(JsonNode.class);
    }

    private ResponseEntity<JsonNode> json(String path, Object body) {
        return http().post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body)
                .retrieve().toEntity(JsonNode.class);
    }

    private static MultiValueMap<String, String> formOf(String... kv) {
        MultiValueMap<String, String> m = new LinkedMultiValueMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.add(kv[i], kv[i + 1]);
        }
        return m;
    }

    private JsonNode claims(String jwt) throws Exception {
        return mapper.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private void assertTokens(JsonNode body, String audience) throws Exception {
        assertThat(body.get("token_type").asText()).isEqualTo("bearer");
        assertThat(body.get("audience").asText()).isEqualTo(audience);
        Instant exp = Instant.parse(body.get("expires_at").asText());
        Instant refreshExp = Instant.parse(body.get("refresh_expires_at").asText());
        assertThat(exp).isBetween(Instant.now().plus(59, ChronoUnit.MINUTES), Instant.now().plus(61, ChronoUnit.MINUTES));
        assertThat(refreshExp).isAfter(Instant.now().plus(23, ChronoUnit.HOURS));
        assertThat(body.get("expires_at").asText()).endsWith("Z");
        JsonNode access = claims(body.get("access_token").asText());
        assertThat(access.get("type").asText()).isEqualTo("access");
        assertThat(access.get("iss").asText()).isEqualTo("localhost");
        // aud is a single string, as the original emits it
        assertThat(access.get("aud").isTextual()).isTrue();
        assertThat(access.get("aud").asText()).isEqualTo(audience);
        assertThat(access.get("exp").asLong()).isEqualTo(exp.getEpochSecond());
        JsonNode refresh = claims(body.get("refresh_token").asText());
        assertThat(refresh.get("type").asText()).isEqualTo("refresh");
    }

    @Test
    void tokenFromFormJsonAndMultipart() throws Exception {
        TestClient c = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> r = form("/auth/token", formOf("client_id", c.clientId(), "client_secret", c.secret()));
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        assertTokens(r.getBody(), Audiences.TASKS_API);
        assertThat(claims(r.getBody().get("access_token").asText()).get("sub").asText()).isEqualTo(c.clientId());

        ResponseEntity<JsonNode> j = json("/auth/token/", Map.of("client_id", c.clientId(), "client_secret", c.secret()));
        assertThat(j.getStatusCode().value()).isEqualTo(200);
        assertTokens(j.getBody(), Audiences.TASKS_API);

        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("client_id", c.clientId());
        parts.add("client_secret", c.secret());
        ResponseEntity<JsonNode> m = http().post().uri("/auth/token").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(parts).retrieve().toEntity(JsonNode.class);
        assertThat(m.getStatusCode().value()).isEqualTo(200);
        assertTokens(m.getBody(), Audiences.TASKS_API);

        // The issued access token works on a protected route.
        assertThat(http(r.getBody().get("access_token").asText()).get().uri("/status").retrieve()
                .toBodilessEntity().getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void wrongOrMissingCredentials() {
        TestClient c = newClient(Audiences.TASKS_API);
        ResponseEntity<JsonNode> wrong = form("/auth/token", formOf("client_id", c.clientId(), "client_secret", "nope"));
        assertThat(wrong.getStatusCode().value()).isEqualTo(401);
        assertThat(wrong.getBody().get("detail").asText()).isEqualTo("Invalid credentials.");

        ResponseEntity<JsonNode> unknown = form("/auth/token", formOf("client_id", "no-such-client", "client_secret", "x"));
        assertThat(unknown.getStatusCode().value()).isEqualTo(401);
        assertThat(unknown.getBody().get("detail").asText()).isEqualTo("Invalid credentials.");

        ResponseEntity<JsonNode> missing = form("/auth/token", formOf("client_id", c.clientId()));
        assertThat(missing.getStatusCode().value()).isEqualTo(422);
        assertThat(missing.getBody().get("detail").get(0).get("loc").toString()).isEqualTo("[\"body\",\"client_secret\"]");
        assertThat(missing.getBody().get("detail").get(0).get("type").asText()).isEqualTo("missing");

        ResponseEntity<JsonNode> noBody = http().post().uri("/auth/token").retrieve().toEntity(JsonNode.class);
        assertThat(noBody.getStatusCode().value()).isEqualTo(422);

        ResponseEntity<JsonNode> jsonNull = json("/auth/token", "null");
        assertThat(jsonNull.getStatusCode().value()).isEqualTo(422);

        ResponseEntity<JsonNode> badJson = http().post().uri("/auth/token").contentType(MediaType.APPLICATION_JSON)
                .body("{not json").retrieve().toEntity(JsonNode.class);
        assertThat(badJson.getStatusCode().value()).isEqualTo(422);
        assertThat(badJson.getBody().get("detail").get(0).get("type").asText()).isEqualTo("json_invalid");

        ResponseEntity<JsonNode> xml = http().post().uri("/auth/token").contentType(MediaType.APPLICATION_XML)
                .body("<a/>").retrieve().toEntity(JsonNode.class);
        assertThat(xml.getStatusCode().value()).isIn(415, 422);
        assertThat(xml.getBody().has("detail")).isTrue();
    }

    @Test
    void deletedClientCannotGetTokensNorUseThem() {
        TestClient c = newClient(Audiences.TASKS_API);
        clientService.delete(c.id(), "someone-else");
        assertThat(form("/auth/token", formOf("client_id", c.clientId(), "client_secret", c.secret()))
                .getStatusCode().value()).isEqualTo(401);
        ResponseEntity<JsonNode> r = http(c.accessToken()).get().uri("/status").retrieve().toEntity(JsonNode.class);
        assertThat(r.getStatusCode().value()).isEqualTo(401);
        assertThat(r.getBody().get("detail").asText()).isEqualTo("Invalid credentials.");
        assertThat(verifier.verify(c.accessToken(), Set.of(Audiences.TASKS_API))).isEmpty();
    }

    @Test
    void refreshAsFormJsonAndMultipart() throws Exception {
        TestClient c = newClient(Audiences.TASKS_API);
        String refresh = c.tokens().refreshToken();

        ResponseEntity<JsonNode> f = form("/auth/token/refresh", formOf("refresh_token", refresh));
        assertThat(f.getStatusCode().value()).isEqualTo(200);
        assertTokens(f.getBody(), Audiences.TASKS_API);

        ResponseEntity<JsonNode> j = json("/auth/token/refresh/", Map.of("refresh_token", refresh));
        assertThat(j.getStatusCode().value()).isEqualTo(200);
        assertTokens(j.getBody(), Audiences.TASKS_API);

        ResponseEntity<JsonNode> withAud = json("/auth/token/refresh",
                Map.of("refresh_token", refresh, "audience", List.of("clients-api", "tasks-api")));
        assertThat(withAud.getStatusCode().value()).isEqualTo(200);

        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("refresh_token", refresh);
        ResponseEntity<JsonNode> m = http().post().uri("/auth/token/refresh").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(parts).retrieve().toEntity(JsonNode.class);
        assertThat(m.getStatusCode().value()).isEqualTo(200);

        ResponseEntity<JsonNode> wrongAud = json("/auth/token/refresh",
                Map.of("refresh_token", refresh, "audience", "admin-api"));
        assertThat(wrongAud.getStatusCode().value()).isEqualTo(401);
        assertThat(wrongAud.getBody().get("detail").asText()).isEqualTo("Invalid audience");

        ResponseEntity<JsonNode> badAudType = json("/auth/token/refresh",
                Map.of("refresh_token", refresh, "audience", Map.of("x", 1)));
        assertThat(badAudType.getStatusCode().value()).isEqualTo(422);
    }

    @Test
    void refreshFailuresAre401WithDetail() {
        TestClient c = newClient(Audiences.TASKS_API);
        Instant now = Instant.now();

        ResponseEntity<JsonNode> accessAsRefresh = form("/auth/token/refresh", formOf("refresh_token", c.accessToken()));
        assertThat(accessAsRefresh.getStatusCode().value()).isEqualTo(401);
        assertThat(accessAsRefresh.getBody().get("detail").asText()).isEqualTo("Invalid token type");

        String expired = tokenService.encode(c.clientId(), Audiences.TASKS_API, TokenService.REFRESH,
                now.minusSeconds(7200), now.minusSeconds(5));
        ResponseEntity<JsonNode> exp = form("/auth/token/refresh", formOf("refresh_token", expired));
        assertThat(exp.getStatusCode().value()).isEqualTo(401);
        assertThat(exp.getBody().get("detail").asText()).isEqualTo("Expired refresh token");

        ResponseEntity<JsonNode> garbage = form("/auth/token/refresh", formOf("refresh_token", "not.a.jwt"));
        assertThat(garbage.getStatusCode().value()).isEqualTo(401);
        assertThat(garbage.getBody().get("detail").asText()).isNotBlank();

        String forged = forge(c.clientId(), Audiences.TASKS_API, TokenService.REFRESH, now.plusSeconds(600));
        assertThat(form("/auth/token/refresh", formOf("refresh_token", forged)).getStatusCode().value()).isEqualTo(401);

        String ghost = tokenService.encode("ghost-client", Audiences.TASKS_API, TokenService.REFRESH, now,
                now.plusSeconds(600));
        ResponseEntity<JsonNode> g = form("/auth/token/refresh", formOf("refresh_token", ghost));
        assertThat(g.getStatusCode().value()).isEqualTo(401);
        assertThat(g.getBody().get("detail").asText()).isEqualTo("Invalid client");

        String otherAud = tokenService.encode(c.clientId(), Audiences.ADMIN_API, TokenService.REFRESH, now,
                now.plusSeconds(600));
        ResponseEntity<JsonNode> oa = form("/auth/token/refresh", formOf("refresh_token", otherAud));
        assertThat(oa.getStatusCode().value()).isEqualTo(401);
        assertThat(oa.getBody().get("detail").asText()).isEqualTo("Invalid audience");

        clientService.delete(c.id(), "someone-else");
        // hard-deleted → unknown client
        assertThat(form("/auth/token/refresh", formOf("refresh_token", c.tokens().refreshToken()))
                .getStatusCode().value()).isEqualTo(401);

        ResponseEntity<JsonNode> missing = form("/auth/token/refresh", formOf());
        assertThat(missing.getStatusCode().value()).isEqualTo(422);
    }

    @Test
    void accessTokenChecksOnApiRoutes() {
        TestClient tasks = newClient(Audiences.TASKS_API);
        Instant now = Instant.now();

        // expired beyond the 30 s leeway
        String expired = tokenService.encode(tasks.clientId(), Audiences.TASKS_API, TokenService.ACCESS,
                now.minusSeconds(3600), now.minusSeconds(60));
        assertInvalid(expired, "/status");
        // inside the leeway: still accepted
        String justExpired = tokenService.encode(tasks.clientId(), Audiences.TASKS_API, TokenService.ACCESS,
                now.minusSeconds(3600), now.minusSeconds(5));
        assertThat(http(justExpired).get().uri("/status").retrieve().toBodilessEntity().getStatusCode().value())
                .isEqualTo(200);
        // forged with another key
        assertInvalid(forge(tasks.clientId(), Audiences.TASKS_API, TokenService.ACCESS, now.plusSeconds(600)), "/status");
        // refresh token used as access token
        assertInvalid(tasks.tokens().refreshToken(), "/status");
        // wrong audience for the route: 401 as in the original
        assertInvalid(tasks.accessToken(), "/api/v1/clients");
        assertInvalid(tokenFor(Audiences.CLIENTS_API), "/api/v1/tasks");
        assertInvalid(tokenFor(Audiences.TASKS_API), "/api/v1/admin/tasks");
        // unknown audience
        assertInvalid(tokenService.encode(tasks.clientId(), "other-api", TokenService.ACCESS, now,
                now.plusSeconds(600)), "/status");
        // garbage and non-bearer schemes
        assertInvalid("garbage", "/status");
        ResponseEntity<JsonNode> basic = http().get().uri("/status").header(HttpHeaders.AUTHORIZATION, "Basic abc")
                .retrieve().toEntity(JsonNode.class);
        assertThat(basic.getStatusCode().value()).isEqualTo(401);
        assertThat(basic.getBody().get("detail").asText()).isEqualTo("Not authenticated");
        // a stale token on a public route does not matter
        assertThat(http("garbage").get().uri("/health").retrieve().toBodilessEntity().getStatusCode().value())
                .isEqualTo(200);
        ResponseEntity<JsonNode> tokenWithStaleHeader = http("garbage").post().uri("/auth/token")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(formOf("client_id", tasks.clientId(), "client_secret", tasks.secret()))
                .retrieve().toEntity(JsonNode.class);
        assertThat(tokenWithStaleHeader.getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void tokenVerifierForHandshakes() {
        TestClient tasks = newClient(Audiences.TASKS_API);
        assertThat(verifier.verify(tasks.accessToken(), Set.of(Audiences.TASKS_API)))
                .get().satisfies(a -> {
                    assertThat(a.id()).isEqualTo(tasks.id());
                    assertThat(a.clientId()).isEqualTo(tasks.clientId());
                    assertThat(a.audience()).isEqualTo(Audiences.TASKS_API);
                    assertThat(a.isAdmin()).isFalse();
                });
        assertThat(verifier.verify(tasks.accessToken(), Set.of(Audiences.ADMIN_API))).isEmpty();
        assertThat(verifier.verify(tasks.tokens().refreshToken(), Set.of(Audiences.TASKS_API))).isEmpty();
        assertThat(verifier.verify("nope", Set.of(Audiences.TASKS_API))).isEmpty();
        assertThat(verifier.verify(null, Set.of(Audiences.TASKS_API))).isEmpty();
        assertThat(verifier.verify(tokenFor(Audiences.ADMIN_API), Set.of(Audiences.ADMIN_API)))
                .get().matches(AuthenticatedClient::isAdmin);
    }

    private void assertInvalid(String token, String path) {
        ResponseEntity<JsonNode> r = http(token).get().uri(path).retrieve().toEntity(JsonNode.class);
        assertThat(r.getStatusCode().value()).as(path).isEqualTo(401);
        assertThat(r.getBody().get("detail").asText()).isEqualTo("Invalid credentials.");
    }

    private static String forge(String sub, String aud, String type, Instant exp) {
        byte[] key = "another-key-another-key-another-key-0123456789".getBytes(StandardCharsets.UTF_8);
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(new SecretKeySpec(key, "HmacSHA256")));
        JwtClaimsSet claims = JwtClaimsSet.builder().subject(sub).audience(List.of(aud)).issuer("localhost")
                .expiresAt(exp).claim("type", type).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
    }
}
