package io.waldiez.runner.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standby pools on one tasks directory: a pool never removes another live pool's standbys (two
 * servers on one data dir, or a restart overlapping the old process), only those of a pool whose
 * owner is gone. The standby command is {@code cat}, which, like a standby runner, waits on its stdin
 * and exits when it closes.
 */
class StandbyRunnersTest {

    @TempDir
    Path tasks;
    @TempDir
    Path scratch;

    private static ProcessBuilder cat(Path dir, Path runDir) {
        return new ProcessBuilder("cat").directory(runDir.toFile());
    }

    private List<Path> standbyDirs() throws IOException {
        Path pools = tasks.resolve(".standby");
        if (!Files.isDirectory(pools)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(pools, 2)) {
            return walk.filter(p -> p.getNameCount() == pools.getNameCount() + 2 && Files.isDirectory(p)).toList();
        }
    }

    private List<Path> pools() throws IOException {
        try (Stream<Path> list = Files.list(tasks.resolve(".standby"))) {
            return list.toList();
        }
    }

    @Test
    void aSecondPoolOnTheSameTasksDirLeavesTheFirstPoolsStandbysAlone() throws Exception {
        try (StandbyRunners first = new StandbyRunners(2, tasks, scratch, StandbyRunnersTest::cat)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> first.ready() == 2);
            try (StandbyRunners second = new StandbyRunners(1, tasks, scratch, StandbyRunnersTest::cat)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> second.ready() == 1);
                assertThat(standbyDirs()).hasSize(3);
                assertThat(pools()).hasSize(2);
                StandbyRunners.Standby s = first.take();
                assertThat(s).isNotNull();
                Path taskDir = tasks.resolve("0123456789abcdef0123456789abcdef");
                Path runDir = scratch.resolve("0123456789abcdef0123456789abcdef");
                s.linkAs(taskDir, runDir);
                assertThat(taskDir).isSymbolicLink().isDirectory();
                assertThat(runDir).isSymbolicLink().isDirectory();
                s.process().getOutputStream().close();
                s.process().waitFor();
            }
            // The second pool is closed: its directory is gone; the first's standbys (and the one its task kept) are there.
            first.refill(); // as the launcher does when a run ends
            await().atMost(Duration.ofSeconds(20)).until(() -> first.ready() == 2);
            assertThat(pools()).hasSize(1);
            assertThat(standbyDirs()).hasSize(3);
        }
        assertThat(pools()).isEmpty();
        assertThat(standbyDirs()).isEmpty();
    }

    @Test
    void aPoolWhoseOwnerIsGoneIsRemovedAtTheNextStart() throws Exception {
        // What a crashed server leaves: a pool directory with a standby's directory and an unheld lock.
        Path crashed = tasks.resolve(".standby").resolve("crashed-pool");
        Files.createDirectories(crashed.resolve("some-standby"));
        Files.writeString(crashed.resolve("owner.lock"), "");
        Path crashedRuns = scratch.resolve(".standby").resolve("crashed-pool").resolve("some-standby");
        Files.createDirectories(crashedRuns);
        try (StandbyRunners pool = new StandbyRunners(1, tasks, scratch, StandbyRunnersTest::cat)) {
            assertThat(crashed).doesNotExist();
            assertThat(crashedRuns.getParent()).doesNotExist();
            await().atMost(Duration.ofSeconds(20)).until(() -> pool.ready() == 1);
        }
    }
}
