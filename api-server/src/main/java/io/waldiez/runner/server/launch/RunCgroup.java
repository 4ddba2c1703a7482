package io.waldiez.runner.server.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU cgroup local runs are started in ({@code waldiez.launcher.local.run-cgroup}), optionally marked
 * idle ({@code cpu.idle}, Linux 5.15+, cgroup v1's {@code cpu} controller or v2).
 *
 * <p>Why a cgroup: every sandboxed run has a session, hence a scheduling autogroup, of its own, and
 * Linux ranks autogroups against each other by weight; an idle-class run in its own group finishes its
 * slice before a server thread that wakes on its core (perf sched, benchmarks/notes.md item 18). The
 * runs of an idle cgroup are one group the kernel preempts for any non-idle task, whatever their
 * sessions; a process in a cgroup other than the root is in no autogroup.
 *
 * <p>Each run's process moves itself in before it becomes the runner ({@code sh -c 'echo $$ >
 * cgroup.procs; exec ...'}), so no process of the run starts outside it; a failed move is not fatal.
 */
final class RunCgroup {

    private static final Logger log = LoggerFactory.getLogger(RunCgroup.class);
    /** Moves the shell itself into the cgroup ($0), then becomes the command; a failed move only loses the grouping. */
    private static final String ENTER = "{ echo $$ > \"$0\"; } 2>/dev/null; exec \"$@\"";

    private final Path procs;
    private final String description;

    private RunCgroup(Path procs, String description) {
        this.procs = procs;
        this.description = description;
    }

    static RunCgroup none(String why) {
        return new RunCgroup(null, why);
    }

    /**
     * Creates {@code dir} if missing and marks it idle when {@code idle}; none, with the reason logged,
     * when {@code dir} is blank or not a cgroup the server may use.
     */
    static RunCgroup open(String dir, boolean idle) {
        if (dir == null || dir.isBlank()) {
            return none("none (waldiez.launcher.local.run-cgroup is not set)");
        }
        Path path = Path.of(dir).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
            Path procs = path.resolve("cgroup.procs");
            if (!Files.isWritable(procs)) {
                return unusable(path, "it has no writable cgroup.procs (not a cgroup, or not delegated to this user)");
            }
            if (idle) {
                Files.writeString(path.resolve("cpu.idle"), "1");
            }
            RunCgroup cgroup = new RunCgroup(procs, path + (idle ? " (cpu.idle=1)" : ""));
            log.info("Local runs start in the cgroup {}", cgroup.description);
            return cgroup;
        } catch (IOException | RuntimeException e) {
            return unusable(path, (idle ? "cannot create it or set its cpu.idle: " : "cannot create it: ") + e);
        }
    }

    private static RunCgroup unusable(Path path, String why) {
        log.warn("Local runs stay in the server's cgroup: waldiez.launcher.local.run-cgroup={} is unusable, {}", path, why);
        return none("none (" + path + " is unusable: " + why + ")");
    }

    boolean enabled() {
        return procs != null;
    }

    /** {@code command}, started inside the cgroup; unchanged without one. */
    List<String> wrap(List<String> command) {
        if (procs == null) {
            return command;
        }
        List<String> cmd = new ArrayList<>(command.size() + 4);
        cmd.addAll(List.of("/bin/sh", "-c", ENTER, procs.toString()));
        cmd.addAll(command);
        return cmd;
    }

    @Override
    public String toString() {
        return description;
    }
}
