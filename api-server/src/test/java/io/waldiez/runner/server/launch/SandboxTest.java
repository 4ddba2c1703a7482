package io.waldiez.runner.server.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bubblewrap sandbox with a real Python: what a run inside sees. The virtualenv is made under
 * the JVM's temp directory (/tmp), where a fresh clone's runner venv can be too: the sandbox's own
 * /tmp must not hide it.
 */
class SandboxTest {

    @TempDir
    Path dir;

    @Test
    void aRunSeesItsTaskAndWorkDirectoriesAndThePythonButNothingOfTheServer() throws Exception {
        Path venv = dir.resolve("venv");
        Process make = new ProcessBuilder("python3", "-m", "venv", "--without-pip", venv.toString()).inheritIO().start();
        assertThat(make.waitFor(120, TimeUnit.SECONDS) && make.exitValue() == 0).isTrue();
        Path python = venv.resolve("bin/python");
        Path state = Files.createDirectories(dir.resolve("data/tasks/.sandbox"));
        Files.writeString(dir.resolve("data/jwt-secret.key"), "secret");
        Sandbox sandbox = Sandbox.detect("bwrap", python, state, null);
        assertThat(sandbox.enabled()).as("sandbox: %s", sandbox.description()).isTrue();

        Path task = Files.createDirectories(dir.resolve("data/tasks/t1"));
        Path work = Files.createDirectories(dir.resolve("scratch/t1"));
        Files.writeString(task.resolve("flow.waldiez"), "{}");
        String script = String.join("; ",
                "import os",
                "print(os.getuid())",
                "print(open('/sandbox/task/flow.waldiez').read())",
                "open('/sandbox/work/out.txt', 'w').write('written')",
                "print(os.path.exists('" + dir.resolve("data/jwt-secret.key") + "'))",
                "print(sorted(p for p in os.listdir('/proc') if p.isdigit()))",
                "print(os.environ.get('WALDIEZ_OWN_SESSION'))");
        Process run = new ProcessBuilder(sandbox.wrap(List.of(python.toString(), "-c", script), task, work))
                .redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().toList()).as(out).containsExactly("65534", "{}", "False", "['1', '2']", "1");
        assertThat(work.resolve("out.txt")).hasContent("written");
    }

    @Test
    void withoutBubblewrapThereIsNoSandboxAndTheReasonSaysWhatToInstall() {
        Sandbox none = Sandbox.detect("/nonexistent/bwrap", Path.of("/usr/bin/python3"), dir, null);
        assertThat(none.enabled()).isFalse();
        assertThat(none.description()).contains("install the bubblewrap package");
        assertThat(none.wrap(List.of("python3"), dir, dir)).containsExactly("python3");
    }
}
