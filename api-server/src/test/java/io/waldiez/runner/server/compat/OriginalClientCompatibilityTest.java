package io.waldiez.runner.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern CLOSING = Pattern.compile("^(\\d+) passed, (\\d+) failed$");

    private static Path repoRoot() {
        String root = System.getProperty("waldiez.repo.root");
        Path dir = root == null || root.isBlank() ? Path.of("..") : Path.of(root);
        return dir.toAbsolutePath().normalize();
    }

    @Test
    void originalPythonClientRunsTheWholeLifecycle() throws IOException, InterruptedException {
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
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");

        long started = System.nanoTime();
        Process process = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    log.info("{}", line);
                }
            } catch (IOException e) {
                log.warn("reading the compat script output failed", e);
            }
        }, "compat-output");
        pump.setDaemon(true);
        pump.start();

        boolean finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(5_000);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        if (!finished) {
            fail("the compat script did not finish within " + TIMEOUT.toSeconds() + " s; last output:\n"
                    + tail(lines, 40));
        }

        List<String> failed = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("FAIL ")) {
                failed.add(line);
            }
        }
        String closing = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        Matcher m = CLOSING.matcher(closing);
        log.info("original client compatibility: exit {} after {} s, {}", process.exitValue(), seconds, closing);
        assertThat(m.matches()).as("closing line 'N passed, N failed'; output ends with:\n%s", tail(lines, 30))
                .isTrue();
        assertThat(Integer.parseInt(m.group(2))).as("failed checks:\n%s", String.join("\n", failed)).isZero();
        assertThat(Integer.parseInt(m.group(1))).as("passed checks").isGreaterThan(100);
        assertThat(process.exitValue()).as("exit code of the compat script").isZero();
    }

    private static String tail(List<String> lines, int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
