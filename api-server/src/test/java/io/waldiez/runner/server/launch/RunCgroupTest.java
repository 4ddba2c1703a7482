package io.waldiez.runner.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCgroupTest {

    @TempDir
    Path tmp;

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.strip();
    }

    @Test
    void unsetLeavesCommandsAsTheyAre() {
        RunCgroup none = RunCgroup.open(" ", true);
        assertThat(none.enabled()).isFalse();
        assertThat(none.wrap(List.of("python", "-m", "x"))).containsExactly("python", "-m", "x");
    }

    @Test
    void aDirectoryThatIsNoCgroupIsUnusableAndSaysWhy() {
        RunCgroup cgroup = RunCgroup.open(tmp.resolve("runs").toString(), true);
        assertThat(cgroup.enabled()).isFalse();
        assertThat(cgroup.toString()).contains("no writable cgroup.procs");
    }

    @Test
    void theRunsOwnProcessMovesItselfInThenBecomesTheCommand() throws Exception {
        Path group = Files.createDirectories(tmp.resolve("runs"));
        Files.writeString(group.resolve("cgroup.procs"), "");  // stands in for the kernel's file
        RunCgroup cgroup = RunCgroup.open(group.toString(), true);
        assertThat(cgroup.enabled()).isTrue();
        assertThat(Files.readString(group.resolve("cpu.idle"))).isEqualTo("1");

        // The pid written is the command's own (exec, no child left outside the group).
        String pid = run(cgroup.wrap(List.of("/bin/sh", "-c", "echo $$")));
        assertThat(Files.readString(group.resolve("cgroup.procs")).strip()).isEqualTo(pid);
    }

    @Test
    void aFailedMoveStillRunsTheCommand() throws Exception {
        Path group = Files.createDirectories(tmp.resolve("runs"));
        Files.writeString(group.resolve("cgroup.procs"), "");
        RunCgroup cgroup = RunCgroup.open(group.toString(), false);
        assertThat(group.resolve("cpu.idle")).doesNotExist();  // not asked to be idle
        Files.delete(group.resolve("cgroup.procs"));
        Files.delete(group);  // the cgroup went away under the server
        assertThat(run(cgroup.wrap(List.of("echo", "ran")))).isEqualTo("ran");
    }

    @Test
    void aRealIdleCgroupHoldsTheRun() throws Exception {
        Path cpu = Path.of("/sys/fs/cgroup/cpu");  // cgroup v1's cpu controller, as on the CI machine
        assumeTrue(Files.isWritable(cpu.resolve("cgroup.procs")) && Files.exists(cpu.resolve("cpu.idle")),
                "needs a writable cgroup v1 cpu controller with cpu.idle (root, Linux 5.15+)");
        Path group = cpu.resolve("waldiez-test-" + ProcessHandle.current().pid());
        try {
            RunCgroup cgroup = RunCgroup.open(group.toString(), true);
            assertThat(cgroup.enabled()).isTrue();
            assertThat(Files.readString(group.resolve("cpu.idle")).strip()).isEqualTo("1");
            String cgroups = run(cgroup.wrap(List.of("cat", "/proc/self/cgroup")));
            assertThat(cgroups.lines()).anyMatch(l -> l.endsWith(":cpu:/" + group.getFileName()));
        } finally {
            Files.deleteIfExists(group);  // rmdir of an empty cgroup
        }
    }
}
