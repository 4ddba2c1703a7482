package io.waldiez.runner.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import io.waldiez.runner.server.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /openapi.json} is true (issue 13): a bounded schemathesis run finds no 5xx and no response
 * that differs from the document, and a client generated from it by openapi-python-client drives a
 * whole lifecycle. Both run from {@code contract-tests/.venv} ({@code scripts/prepare-contract-venv.sh});
 * without it the Python parts are skipped, the document checks below still run.
 */
class OpenApiContractTest extends ApiServerIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(OpenApiContractTest.class);

    /** Reports and logs stay in target/ for a look after a failure. */
    private final Path work = Path.of("target", "contract-tests").toAbsolutePath();

    private static Path venvPython() {
        Path python = repoRoot().resolve("contract-tests/.venv/bin/python");
        assumeTrue(Files.isExecutable(python),
                "contract-tests/.venv is missing: run scripts/prepare-contract-venv.sh");
        return python;
    }

    @Test
    void theDocumentDeclaresSecurityErrorsAndTheRealForms() {
        JsonNode doc = http().get().uri("/openapi.json").retrieve().body(JsonNode.class);
        JsonNode paths = doc.path("paths");
        assertThat(paths.has("/error")).isFalse();
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        JsonNode create = paths.at("/~1api~1v1~1tasks/post");
        assertThat(create.path("security").toString()).contains("bearerAuth");
        JsonNode form = create.at("/requestBody/content/multipart~1form-data/schema");
        assertThat(form.path("$ref").asText()).endsWith("/CreateTaskForm");
        JsonNode fields = doc.at("/components/schemas/CreateTaskForm/properties");
        for (String f : List.of("file", "filename", "file_url", "env_vars", "input_timeout", "skip_deps", "message",
                "schedule_type", "scheduled_time", "cron_expression", "expires_at", "trigger_now", "force")) {
            assertThat(fields.has(f)).as("create form field %s", f).isTrue();
        }
        assertThat(create.path("parameters").toString()).doesNotContain("\"force\"");
        for (String status : List.of("200", "400", "401", "413", "422", "429")) {
            assertThat(create.path("responses").has(status)).as("create documents %s", status).isTrue();
        }
        JsonNode upload = paths.at("/~1api~1v1~1tasks~1upload/post");
        assertThat(upload.at("/requestBody/content").has("multipart/form-data")).isTrue();
        assertThat(upload.path("responses").has("204")).isTrue();
        JsonNode token = paths.at("/~1auth~1token/post");
        assertThat(token.at("/requestBody/content").has("application/x-www-form-urlencoded")).isTrue();
        assertThat(token.path("parameters").isMissingNode() || token.path("parameters").isEmpty()).isTrue();
        assertThat(token.has("security")).isFalse();
        assertThat(doc.at("/components/schemas/TaskResponse/properties/expires_at/nullable").asBoolean()).isTrue();
        assertThat(http().get().uri("/error").retrieve().toEntity(String.class).getStatusCode().value())
                .isEqualTo(404);
    }

    @Test
    void schemathesisFindsNoServerErrorsAndNoUndocumentedResponses() throws Exception {
        Path python = venvPython();
        TestClient tasks = newClient(Audiences.TASKS_API);
        TestClient clients = newClient(Audiences.CLIENTS_API);
        TestClient admin = newClient(Audiences.ADMIN_API);
        List<String> cmd = List.of(python.toString(), "-u",
                repoRoot().resolve("contract-tests/schemathesis_run.py").toString(),
                "--base-url", baseUrl(), "--workdir", work.toString(),
                "--tasks", tasks.clientId(), tasks.secret(),
                "--clients", clients.clientId(), clients.secret(),
                "--admin", admin.clientId(), admin.secret());
        runScript(cmd, 900, 4);
    }

    @Test
    void aClientGeneratedFromTheDocumentDrivesAWholeLifecycle() throws Exception {
        Path python = venvPython();
        TestClient tasks = newClient(Audiences.TASKS_API);
        List<String> cmd = List.of(python.toString(), "-u",
                repoRoot().resolve("contract-tests/generated_client_lifecycle.py").toString(),
                "--base-url", baseUrl(), "--workdir", work.toString(),
                "--client-id", tasks.clientId(), "--client-secret", tasks.secret(),
                "--flow", flowsDir().resolve("dummy_with_input.waldiez").toString());
        runScript(cmd, 420, 19);
    }

    /** Runs a contract script; its closing line must report no failure and at least {@code minPassed}. */
    private void runScript(List<String> cmd, int timeoutSeconds, int minPassed) throws Exception {
        ScriptRun run = ScriptRun.run(cmd, repoRoot(), Duration.ofSeconds(timeoutSeconds), log);
        log.info("{} took {} s", cmd.get(2), run.seconds());
        run.assertPassed(minPassed);
    }
}
