package io.waldiez.runner.server.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code waldiez.launcher.*}.
 *
 * @param mode {@code local} (default) or {@code kubernetes}
 * @param local settings of the local launcher
 */
@ConfigurationProperties("waldiez.launcher")
public record LauncherProperties(@DefaultValue("local") String mode, @DefaultValue Local local) {

    /**
     * @param python the runner virtualenv's python; default: system property {@code waldiez.runner.python}
     *     (set by the build for tests), else {@code runner-image/.venv/bin/python} relative to the working dir
     * @param maxConcurrent runs at the same time; further tasks wait PENDING in a queue
     * @param cancelGrace time a cancelled runner gets after the control entry before SIGTERM, and
     *     again after SIGTERM before SIGKILL
     * @param passEnv names of server environment variables every run also gets (e.g. OPENAI_API_KEY);
     *     nothing else of the server's environment reaches a run besides a locale/PATH allow-list
     * @param keepWorkdirs keep {@code <data-dir>/tasks/<id>} after the run (debugging)
     * @param keyTtl TTL the runner sets on the task's Redis keys after its final status
     * @param scratchDir parent of each run's working directory ({@code <scratch-dir>/<task id>}: the generated
     *     flow, ag2's SQLite event log, {@code waldiez_out}); default {@code /dev/shm/waldiez-runs} where
     *     {@code /dev/shm} is a writable directory, else {@code <data-dir>/tasks}. Memory-backed because ag2
     *     commits its event log after every message, and on disk each commit waits for an fsync (a chatty
     *     flow runs about 5 times slower); a run's directory is removed when it ends
     * @param standby runner processes kept started ahead of their task ({@code --standby}: waldiez and ag2
     *     already imported, which is most of a start): a task takes one and starts in a fraction of a second
     *     instead of seconds; a taken one's replacement starts at once and imports at the runs' lower
     *     priority (about 3 s on 2 cores: a third task within that time of two others waits for it). Two,
     *     so that two tasks submitted together, or one right after another, both start at once; each
     *     waiting one holds an idle runner's memory (about 150 MB). 0 disables
     * @param nice how much lower than the server's the runs' CPU priority is (0-19, the runner's {@code --nice}),
     *     so that flows computing flat out do not starve the server's streams of the machine's few cores. 10 by
     *     default: on 2 cores, two chatty flows at nice 10 reached their subscribers with a p50 of 2-7 ms
     *     against 300-500 ms at nice 0, at the same throughput (benchmarks/notes.md, issue 17). A sandboxed
     *     run is alone in its session, so it lowers its session's autogroup weight too (without that, Linux's
     *     autogroup scheduling ranks sessions as equals whatever their processes' nice values)
     * @param cpuIdle runs enter Linux's idle scheduling class (the runner's {@code --cpu-idle}, SCHED_IDLE) on
     *     top of {@code nice}: any other process that wakes on a core preempts them at once, and they take only
     *     the CPU time nothing else wants. For a machine that serves flows and nothing else: on 2 cores it cut
     *     the median over 11 rounds of the chatty benchmark's p99 from 41 to 29 ms at the same throughput
     *     (benchmarks/notes.md item 14). Off by default, because on a machine busy with other work (a
     *     workstation, a CI runner) runs would wait for all of it
     * @param runCgroup a CPU cgroup directory (cgroup v1's {@code cpu} controller, or v2 with it enabled) that
     *     every run, standby and package builder starts in; the server creates it if missing, and with
     *     {@code cpuIdle} marks it idle ({@code cpu.idle=1}, Linux 5.15+). Unset by default. Each sandboxed run
     *     has a session, hence an autogroup, of its own, and an idle-class run in another group than a woken
     *     server thread still finished its slice first; an idle cgroup's runs yield to any other task on its core whatever their
     *     sessions (benchmarks/notes.md item 18). The server needs write access to it (root, or a delegated
     *     subtree); an unusable one is logged and runs start without it
     * @param sandbox what runs a flow's process in: {@code bubblewrap} (default; the Debian package of that
     *     name) or {@code none}; see docs/security.md
     * @param bwrap the bubblewrap command ({@code bwrap} on PATH by default)
     * @param allowUncontained when the sandbox or per-run Redis users are unavailable (or the sandbox is
     *     off): {@code false} (default) refuses every run with the reason, {@code true} runs flows anyway,
     *     able to read the server's files and other tasks' Redis keys
     */
    public record Local(
            String python,
            @DefaultValue("4") int maxConcurrent,
            @DefaultValue("2s") Duration cancelGrace,
            @DefaultValue List<String> passEnv,
            @DefaultValue("false") boolean keepWorkdirs,
            @DefaultValue("1d") Duration keyTtl,
            String scratchDir,
            @DefaultValue("10") int nice,
            @DefaultValue("false") boolean cpuIdle,
            String runCgroup,
            @DefaultValue("2") int standby,
            @DefaultValue("bubblewrap") SandboxKind sandbox,
            @DefaultValue("bwrap") String bwrap,
            @DefaultValue("false") boolean allowUncontained) {

        public Local {
            if (python == null || python.isBlank()) {
                python = System.getProperty("waldiez.runner.python", "runner-image/.venv/bin/python");
            }
            maxConcurrent = Math.max(1, maxConcurrent);
            if (standby < 0) {
                throw new IllegalArgumentException("waldiez.launcher.local.standby must be 0 or more, not " + standby);
            }
            if (nice < 0 || nice > 19) {
                throw new IllegalArgumentException("waldiez.launcher.local.nice must be between 0 and 19, not " + nice);
            }
        }

        public Path pythonPath() {
            return Path.of(python).toAbsolutePath().normalize();
        }

        /** Where run directories go: {@code scratchDir}, else memory ({@code /dev/shm}) if usable, else {@code fallback}. */
        public Path scratchRoot(Path fallback) {
            if (scratchDir != null && !scratchDir.isBlank()) {
                return Path.of(scratchDir).toAbsolutePath().normalize();
            }
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("waldiez-runs") : fallback;
        }
    }

    /** What a local run's process runs in. */
    public enum SandboxKind { BUBBLEWRAP, NONE }
}
