package io.waldiez.runner.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherPropertiesTest {

    private static LauncherProperties.Local local(String scratchDir) {
        return new LauncherProperties.Local("/usr/bin/python3", 4, Duration.ofSeconds(2), List.of(), false,
                Duration.ofDays(1), scratchDir, 10, true, null, 1, LauncherProperties.SandboxKind.BUBBLEWRAP, "bwrap", false);
    }

    @Test
    void anExplicitScratchDirWins() {
        assertThat(local("/srv/scratch/../runs").scratchRoot(Path.of("/var/tasks"))).isEqualTo(Path.of("/srv/runs"));
    }

    @Test
    void withoutOneRunsGoToMemoryWhereDevShmIsWritableElseToTheFallback() {
        Path fallback = Path.of("/var/tasks");
        Path shm = Path.of("/dev/shm");
        Path expected = Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("waldiez-runs") : fallback;
        assertThat(local(null).scratchRoot(fallback)).isEqualTo(expected);
        assertThat(local(" ").scratchRoot(fallback)).isEqualTo(expected);
    }

    @Test
    void theRunnersCommandLineCarriesItsPriority() {
        RunnerProcesses runners = new RunnerProcesses(local(null), Sandbox.none("test"), RunCgroup.none("test"), Map.of());
        List<String> options = runners.options("t1", 60, Path.of("/tmp/t1"), Path.of("/tmp/t1/run"));
        assertThat(String.join(" ", options)).contains("--nice 10 --cpu-idle true");
    }

    @Test
    void niceOutsideTheUnixRangeIsRefusedWithTheProperty() {
        assertThatThrownBy(() -> new LauncherProperties.Local("/usr/bin/python3", 4, Duration.ofSeconds(2), List.of(),
                false, Duration.ofDays(1), null, 20, true, null, 1, LauncherProperties.SandboxKind.NONE, "bwrap", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("waldiez.launcher.local.nice must be between 0 and 19, not 20");
    }
}
