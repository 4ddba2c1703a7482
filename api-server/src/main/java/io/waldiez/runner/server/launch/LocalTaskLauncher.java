package io.waldiez.runner.server.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.protocol.ControlEntry;
import io.waldiez.runner.protocol.ExitCodes;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.StatusEntry;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.protocol.TaskRedisUsers;
import io.waldiez.runner.server.infra.RedisEndpoint;
import io.waldiez.runner.server.packages.EnvironmentBuilds;
import io.waldiez.runner.server.tasks.TaskMetrics;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskTransitions;
import io.waldiez.runner.server.tasks.TasksProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Runs each task as a child process ({@link RunnerProcesses}), inside the {@link Sandbox} and with its
 * own Redis user ({@link RunContainment}), at most {@code max-concurrent} at a time (the rest wait
 * PENDING). A task takes a pre-started runner when one is ready ({@link StandbyRunners}), which saves
 * the seconds of importing waldiez and ag2 from its time to first output.
 *
 * <p>Supervision: what the runner reports is read from its own {@code task:<id>:status} stream (the
 * only one trusted about it), whenever {@link LocalStatusConsumer} sees a hint for it and every few
 * seconds; the final status is recorded as soon as the runner writes it, and the process's exit
 * confirms it (or, without one, decides from the exit code). Cancel: control entry, then SIGTERM to
 * the runner after {@code cancel-grace}, then SIGKILL of everything it started.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class LocalTaskLauncher implements TaskLauncher, DisposableBean {

    public static final String MODE = "local";
    public static final String DURATION_EXCEEDED = "Task duration exceeded its limit.";

    private static final Logger log = LoggerFactory.getLogger(LocalTaskLauncher.class);
    private static final int STATUS_PAGE = 100;

    private final LauncherProperties.Local props;
    private final TasksProperties tasks;
    private final Path tasksDir;
    /** Parent of the runs' working directories (memory-backed by default, see LauncherProperties). */
    private final Path scratchRoot;
    private final RedisEndpoint redisEndpoint;
    private final StatefulRedisConnection<String, String> redis;
    private final ProtocolCodec codec;
    private final TaskTransitions transitions;
    private final TaskMetrics metrics;
    private final ObjectMapper json;
    private final RunContainment containment;
    private final LocalRunPackages packages;
    private final RunnerProcesses processes;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService timers;
    private final Map<String, LocalRun> runs = new ConcurrentHashMap<>();
    /** Pre-started runners (null when waldiez.launcher.local.standby is 0). */
    private final StandbyRunners standby;

    public LocalTaskLauncher(LauncherProperties properties, TasksProperties tasks,
            @Value("${waldiez.data-dir:./var}") String dataDir, RedisEndpoint redisEndpoint,
            StatefulRedisConnection<String, String> redis, TaskTransitions transitions, TaskMetrics metrics,
            ObjectMapper json, RunContainment containment, EnvironmentBuilds packages) {
        this.props = properties.local();
        this.tasks = tasks;
        this.tasksDir = Path.of(dataDir).toAbsolutePath().normalize().resolve("tasks");
        this.scratchRoot = props.scratchRoot(tasksDir);
        this.redisEndpoint = redisEndpoint;
        this.redis = redis;
        this.codec = new ProtocolCodec(json);
        this.transitions = transitions;
        this.metrics = metrics;
        this.json = json;
        this.containment = containment;
        this.packages = new LocalRunPackages(packages, redis, codec);
        // Every run learns where built environments are (read-only) and the policy; a standby too.
        RunnerProcesses plain = new RunnerProcesses(props, containment.sandbox(), containment.cgroup(), Map.of());
        this.processes = new RunnerProcesses(props, containment.sandbox(), containment.cgroup(),
                this.packages.runnerEnv(plain.packagesDir(packages.cache().envs()).toString()));
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(props.maxConcurrent(), props.maxConcurrent(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "task-run-" + n.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "task-cancel-timer"));
        log.info("local launcher: python {}, {} concurrent runs, task files in {}, run directories in {}, sandbox {}",
                props.pythonPath(), props.maxConcurrent(), tasksDir, scratchRoot, containment.sandbox());
        if (!Files.isExecutable(props.pythonPath())) {
            log.warn("runner python {} not found: create it with scripts/prepare-runner-venv.sh", props.pythonPath());
        }
        boolean standbys = props.standby() > 0 && Files.isExecutable(props.pythonPath())
                && containment.refusal().isEmpty();
        this.standby = standbys ? startStandbys() : null;
    }

    private StandbyRunners startStandbys() {
        try {
            return new StandbyRunners(props.standby(), tasksDir, scratchRoot, processes::standby);
        } catch (IOException e) {
            log.warn("no standby runners ({}); every task starts its own", e.toString());
            return null;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public void launch(TaskLaunch launch) {
        String id = launch.taskId();
        LocalRun run = new LocalRun(launch, tasksDir.resolve(id), runDir(id), this);
        runs.put(id, run);
        try {
            executor.execute(run);
        } catch (RuntimeException e) {
            runs.remove(id);
            throw e;
        }
        metrics.launched(MODE);
    }

    @Override
    public boolean isSupervising(String taskId) {
        return runs.containsKey(taskId);
    }

    /** The runner's pid while it runs (the sandbox's, when there is one). */
    public OptionalLong pid(String taskId) {
        LocalRun run = runs.get(taskId);
        Process p = run == null ? null : run.process;
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.pid());
    }

    @Override
    public void cancel(String taskId, String reason) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            LocalRun run = runs.get(taskId);
            if (run == null) {
                // Nothing runs here (finished meanwhile, or lost with a previous server): close it now.
                transitions.finish(taskId, TaskStatus.CANCELLED, cancelledResults(), reason);
                return;
            }
            run.cancelRequested = true;
            if (executor.remove(run)) {
                runs.remove(taskId);
                log.info("cancelled before it started");
                transitions.finish(taskId, TaskStatus.CANCELLED, cancelledResults(), reason);
                return;
            }
            stop(run, reason);
        }
    }

    /** Control entry now; SIGTERM after the grace; SIGKILL (with descendants) after another. */
    private void stop(LocalRun run, String reason) {
        String id = run.taskId();
        try {
            redis.sync().xadd(StreamKeys.status(id), codec.encodeControl(ControlEntry.cancel(id, reason)));
        } catch (RuntimeException e) {
            log.warn("could not write the cancel control entry ({}); using signals", e.toString());
        }
        long grace = props.cancelGrace().toMillis();
        timers.schedule(() -> signal(run, false), grace, TimeUnit.MILLISECONDS);
        timers.schedule(() -> signal(run, true), 2 * grace, TimeUnit.MILLISECONDS);
    }

    private void signal(LocalRun run, boolean kill) {
        Process p = run.process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", run.taskId())) {
            log.info("runner still alive: sending {}", kill ? "SIGKILL" : "SIGTERM");
            List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
            if (kill) {
                family.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            } else if (run.sandboxed) {
                // Not to bubblewrap's own processes: their end kills the sandbox at once. The runner,
                // inside, treats SIGTERM as a cancel and reports it.
                family.stream().filter(h -> !h.info().command().orElse("").endsWith("/bwrap"))
                        .forEach(ProcessHandle::destroy);
            } else {
                p.destroy(); // SIGTERM: the runner treats it as a cancel and reaps its own children
            }
        }
    }

    // ------------------------------------------------------------------------ the run thread

    void execute(LocalRun run) {
        String id = run.taskId();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
            try {
                runProcess(run);
            } catch (RuntimeException e) {
                log.error("supervising the run failed", e);
                safeFinish(id, TaskStatus.FAILED, error("the server failed while supervising the run"),
                        "the server failed while supervising the run");
            } finally {
                runs.remove(id);
                packages.ended(run);
                dropRedisUser(run);
                cleanup(run);
                if (standby != null) {
                    standby.refill();
                }
            }
        }
    }

    private void runProcess(LocalRun run) {
        String id = run.taskId();
        if (run.cancelRequested) {
            transitions.finish(id, TaskStatus.CANCELLED, cancelledResults(), "cancelled before it started");
            return;
        }
        Optional<String> refused = containment.refusal();
        if (refused.isPresent()) {
            log.error("{}", refused.get());
            transitions.finish(id, TaskStatus.FAILED, error(refused.get()), refused.get());
            return;
        }
        Process process;
        try {
            String redisUrl = redisUrlFor(run);
            process = startFromStandby(run, redisUrl);
            if (process == null) {
                writeTaskFiles(run);
                process = processes.cold(id, run.launch.inputTimeoutSeconds(), run.taskDir, run.runDir,
                        processes.taskEnvironment(run.launch, run.runDir, redisUrl)).start();
                metrics.runnerStarted("cold");
                log.info("runner started, pid {}", process.pid());
            }
        } catch (IOException | RuntimeException e) {
            String reason = "could not start the runner: " + e.getMessage();
            log.error(reason);
            transitions.finish(id, TaskStatus.FAILED, error(reason), reason);
            return;
        }
        run.sandboxed = processes.sandbox().enabled();
        run.process = process;
        transitions.triggered(id);
        if (run.cancelRequested) {
            stop(run, "cancel requested");
        }
        Duration max = tasks.maxDuration();
        try {
            boolean exited = max.isZero() || max.isNegative() ? waitFor(process)
                    : process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                log.warn("run exceeded its maximum duration of {}: stopping it", max);
                run.timedOut = true;
                stop(run, DURATION_EXCEEDED);
                waitFor(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            transitions.finish(id, TaskStatus.FAILED, error("server shut down during the run"), "server shut down during the run");
            return;
        }
        onExit(run, process.exitValue());
    }

    /** The run's own Redis user, or the server's URL when runs may go uncontained and there are no such users. */
    private String redisUrlFor(LocalRun run) {
        if (!containment.ownRedisUsers()) {
            log.warn("this run uses the server's Redis credentials (no per-run users here)");
            return redisEndpoint.url();
        }
        TaskRedisUsers.Credentials user = containment.users().create(run.taskId());
        run.redisUser = user;
        return redisEndpoint.withUser(user.username(), user.password());
    }

    private void dropRedisUser(LocalRun run) {
        if (run.redisUser == null) {
            return;
        }
        try {
            containment.users().delete(run.taskId());
        } catch (RuntimeException e) {
            log.warn("could not delete the run's Redis user {}: {}", run.redisUser.username(), e.toString());
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    // ------------------------------------------------------------------------ statuses

    /** Applies what the run wrote on its status stream since the last time (called on hints and periodically). */
    void refresh(String taskId) {
        LocalRun run = runs.get(taskId);
        if (run != null && run.process != null) {
            refresh(run);
        }
    }

    /** {@link #refresh(String)} for every run: the hint stream is a shortcut, never the only way to learn. */
    void refreshAll() {
        for (LocalRun run : runs.values()) {
            if (run.process != null) {
                refresh(run);
            }
        }
    }

    private void refresh(LocalRun run) {
        String id = run.taskId();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
            synchronized (run) {
                if (run.finished) {
                    return;
                }
                for (;;) {
                    List<StreamMessage<String, String>> page = redis.sync().xrange(StreamKeys.status(id),
                            Range.create(run.statusCursor, "+"), Limit.from(STATUS_PAGE + 1));
                    int applied = 0;
                    for (StreamMessage<String, String> m : page) {
                        if (m.getId().equals(run.statusCursor)) {
                            continue;
                        }
                        run.statusCursor = m.getId();
                        applied++;
                        codec.decodeOwnStatus(id, m.getId(), m.getBody()).ifPresent(s -> apply(run, s));
                        codec.decodeOwnPackages(id, m.getId(), m.getBody())
                                .ifPresent(p -> packages.request(run, p, () -> runs.get(id) == run));
                        if (run.finished) {
                            return;
                        }
                    }
                    if (applied < STATUS_PAGE) {
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not read the run's status stream: {}", e.toString());
        }
    }

    /** One status of the run's own stream (holding the run's lock). */
    private void apply(LocalRun run, StatusEntry s) {
        String id = run.taskId();
        switch (s.status()) {
            case RUNNING -> transitions.running(id);
            case WAITING_FOR_INPUT -> {
                if (s.requestId() != null) {
                    transitions.waitingForInput(id, s.requestId());
                }
            }
            default -> {
                run.finished = true;
                finishFromStatus(run, s);
            }
        }
    }

    /** Records the final status the runner reported (the archive is written first, by TaskTransitions). */
    private void finishFromStatus(LocalRun run, StatusEntry s) {
        String id = run.taskId();
        if (run.timedOut) {
            transitions.finish(id, TaskStatus.FAILED, error(DURATION_EXCEEDED), DURATION_EXCEEDED);
            return;
        }
        switch (s.status()) {
            case COMPLETED -> transitions.finish(id, TaskStatus.COMPLETED, s.results(), null);
            case CANCELLED -> transitions.finish(id, TaskStatus.CANCELLED, cancelledResults(),
                    s.message() == null ? "cancelled" : s.message());
            default -> {
                String msg = s.message() == null ? "the flow failed" : s.message();
                ObjectNode results = error(msg);
                JsonNode type = s.data().get("error_type");
                if (type != null && type.isTextual()) {
                    results.put("error_type", type.asText());
                }
                transitions.finish(id, TaskStatus.FAILED, results, msg);
            }
        }
    }

    /** The exit confirms a final status already recorded, or decides the end when the runner wrote none. */
    private void onExit(LocalRun run, int code) {
        String id = run.taskId();
        log.info("runner exited with code {}", code);
        refresh(run);
        synchronized (run) {
            if (run.finished) {
                return;
            }
            run.finished = true;
        }
        if (run.timedOut) {
            transitions.finish(id, TaskStatus.FAILED, error(DURATION_EXCEEDED), DURATION_EXCEEDED);
            return;
        }
        String reason = "runner exited without a final status: " + ExitCodes.describe(code) + " (exit code " + code + ")";
        log.warn("{}; last lines of its log:\n{}", reason, tail(run.realTaskDir.resolve(RunnerProcesses.LOG_FILE), 15));
        transitions.finish(id, TaskStatus.FAILED, error(reason), reason);
    }

    // ------------------------------------------------------------------------ processes and files

    /**
     * Hands the task to a pre-started runner, or returns null when none is ready (or the hand-over
     * failed before the task was sent: the standby is dropped and the caller starts a runner itself).
     */
    private Process startFromStandby(LocalRun run, String redisUrl) throws IOException {
        StandbyRunners.Standby s = standby == null ? null : standby.take();
        if (s == null) {
            return null;
        }
        try {
            Files.createDirectories(run.runDir.getParent());
            s.linkAs(run.taskDir, run.runDir);
            run.realTaskDir = s.dir();
            run.realRunDir = s.runDir();
            writeTaskFiles(run);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("argv", processes.options(run.taskId(), run.launch.inputTimeoutSeconds(), run.taskDir, run.runDir));
            request.put("env", processes.taskEnvironment(run.launch, run.runDir, redisUrl));
            s.send(json.writeValueAsBytes(request));
        } catch (IOException e) {
            log.warn("a standby runner could not take the task ({}); starting one", e.toString());
            s.process().destroyForcibly();
            return null;
        }
        metrics.runnerStarted("standby");
        log.info("runner started from standby, pid {}", s.process().pid());
        return s.process();
    }

    /** The task's directory (a standby's, when it took one), its run directory and its flow file. */
    private static void writeTaskFiles(LocalRun run) throws IOException {
        Files.createDirectories(run.realTaskDir);
        Files.createDirectories(run.realRunDir);
        Files.write(run.realTaskDir.resolve(RunnerProcesses.FLOW_FILE), run.launch.flow());
    }

    private void safeFinish(String id, TaskStatus status, JsonNode results, String reason) {
        try {
            transitions.finish(id, status, results, reason);
        } catch (RuntimeException e) {
            log.error("could not record the end of the run", e);
        }
    }

    /** The runner's working directory: {@code <scratch>/<id>}, or {@code <data-dir>/tasks/<id>/run} without scratch. */
    private Path runDir(String id) {
        return scratchRoot.equals(tasksDir) ? tasksDir.resolve(id).resolve("run") : scratchRoot.resolve(id);
    }

    private void cleanup(LocalRun run) {
        if (props.keepWorkdirs()) {
            return;
        }
        for (Path p : List.of(run.runDir, run.taskDir, run.realRunDir, run.realTaskDir)) {
            removeTree(p);
        }
    }

    /** Removes a directory tree, or just the link when {@code dir} is a symbolic link. */
    static void removeTree(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            dir.toFile().delete();
            return;
        }
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            log.debug("could not remove {}: {}", dir, e.toString());
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log)";
        }
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("error", message);
    }

    private ObjectNode cancelledResults() {
        return json.createObjectNode().put("detail", "Task cancelled");
    }

    /** Standby runners ready now (tests). */
    int standbyReady() {
        return standby == null ? 0 : standby.ready();
    }

    @Override
    public void destroy() {
        if (standby != null) {
            standby.close();
        }
        // Runs cannot outlive the server that supervises them: stop them all.
        for (LocalRun run : runs.values()) {
            Process p = run.process;
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        executor.shutdownNow();
        timers.shutdownNow();
    }
}
