package io.waldiez.runner.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.TokenService;
import io.waldiez.runner.server.auth.TokensResponse;
import io.waldiez.runner.server.clients.ClientRecord;
import io.waldiez.runner.server.clients.ClientService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Base class of the API server's integration tests: the whole server on a random port, with
 * embedded PostgreSQL and Redis (one temp data dir per JVM, see src/test/resources/config).
 *
 * <p>Do not add {@code @MockBean}, {@code @TestPropertySource} or other per-class configuration in
 * subclasses: every subclass must share one cached Spring context. Tests share one database too, so
 * create your own clients ({@link #newClient}) and never assume empty tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Keeps the Prometheus registry on, as in production (Boot turns metric export off in tests).
@AutoConfigureObservability
public abstract class ApiServerIntegrationTest {

    private static final Map<String, TestClient> SHARED = new ConcurrentHashMap<>();

    @LocalServerPort
    protected int port;

    @Autowired
    protected ClientService clientService;

    @Autowired
    protected TokenService tokenService;

    /** A client made for a test, with its plain secret and a fresh access token. */
    public record TestClient(String id, String clientId, String secret, String audience, TokensResponse tokens) {
        public String accessToken() {
            return tokens.accessToken();
        }

        public String bearer() {
            return "Bearer " + tokens.accessToken();
        }
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A RestClient on the server that never throws on 4xx/5xx: assert on the status yourself. */
    protected RestClient http() {
        return RestClient.builder()
                .baseUrl(baseUrl())
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
    }

    /** Same as {@link #http()} with {@code Authorization: Bearer <token>} on every request. */
    protected RestClient http(String accessToken) {
        return RestClient.builder()
                .baseUrl(baseUrl())
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken)
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
    }

    /** An access token of a client with this audience, shared by all tests of the JVM. */
    protected String tokenFor(String audience) {
        TestClient client = SHARED.computeIfAbsent(audience, this::newClient);
        if (clientService.findById(client.id()).isEmpty()) {
            // Some test deleted it; make another.
            client = newClient(audience);
            SHARED.put(audience, client);
        }
        return client.accessToken();
    }

    /** A brand-new client (own id, so own tasks) with a token pair. */
    protected TestClient newClient(String audience) {
        ClientService.CreatedClient created = clientService.create(null, null, audience, "test " + audience, "made by a test");
        ClientRecord record = created.client();
        return new TestClient(record.id(), record.clientId(), created.plainSecret(), audience,
                tokenService.issueFor(record));
    }

    // ---------------------------------------------------------------- shared flows, multipart create

    /** The repository's root (system property {@code waldiez.repo.root}, else the module's parent). */
    protected static Path repoRoot() {
        String root = System.getProperty("waldiez.repo.root");
        return (root == null || root.isBlank() ? Path.of("..") : Path.of(root)).toAbsolutePath().normalize();
    }

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
}
