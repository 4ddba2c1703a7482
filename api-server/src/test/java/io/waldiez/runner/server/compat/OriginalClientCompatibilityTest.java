package io.waldiez.runner.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * The ORIGINAL Waldiez Runner Python client (pip {@code waldiez-runner==0.7.1}, module
 * {@code waldiez_runner.client}) drives a whole lifecycle against this server: spec §15.3 steps 1-22
 * with the client's own calls, plus the browser page's requests of §12.2 (subprotocol echo, CORS,
 * {@code detail}, form refresh). The script is {@code compat-tests/original_client_lifecycle.py}; it
 * runs from {@code compat-tests/.venv}, made by {@code scripts/prepare-compat-venv.sh} (the original's
 * code is installed there at test-prep time, never committed). Flows run for real (runner venv).
 */
class OriginalClientCompatibilityTest extends ApiServerIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(OriginalClientCompatibilityTest.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(300);


    @Test
    void originalPythonClientRunsTheWholeLifecycle() throws Exception {
        Path root = repoRoot();
        Path python = root.resolve("compat-tests/.venv/bin/python");
        assumeTrue(Files.isExecutable(python),
                "compat-tests/.venv is missing: run scripts/prepare-compat-venv.sh to install the original client");
        Path script = root.resolve("compat-tests/original_client_lifecycle.py");
        Path flows = root.resolve("../shared/flows").normalize();
        assertThat(flows.resolve("dummy_with_input.waldiez")).as("shared test flows").exists();

        TestClient tasks = newClient(Audiences.TASKS_API);   // fresh: step 17 deletes all of its tasks
        TestClient clients = newClient(Audiences.CLIENTS_API);
        TestClient admin = newClient(Audiences.ADMIN_API);

        List<String> command = List.of(python.toString(), "-u", script.toString(),
                "--base-url", baseUrl(),
                "--tasks-client-id", tasks.clientId(), "--tasks-secret", tasks.secret(),
                "--clients-client-id", clients.clientId(), "--clients-secret", clients.secret(),
                "--admin-client-id", admin.clientId(), "--admin-secret", admin.secret(),
                "--flows", flows.toString());
        ScriptRun run = ScriptRun.run(command, root, TIMEOUT, log);
        log.info("original client compatibility: exit {} after {} s, {}", run.exitValue(), run.seconds(),
                run.lines().isEmpty() ? "" : run.lines().get(run.lines().size() - 1));
        run.assertPassed(101);
    }
}
