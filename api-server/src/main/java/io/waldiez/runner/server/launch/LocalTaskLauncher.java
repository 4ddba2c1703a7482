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
import io.waldiez.runner.server.infra.RedisEndpoint;
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
 * Runs each task as a child process: {@code <venv python> -m waldiez_task_runner} in
 * {@code <data-dir>/tasks/<id>}, at most {@code max-concurrent} at a time (the rest wait PENDING).
 * A task takes a pre-started runner when one is ready ({@link StandbyRunners}), which saves the
 * seconds of importing waldiez and ag2 from its time to first output.
 *
 * <p>Supervision: runner statuses arrive through {@link LocalStatusConsumer}; the end of the run is
 * decided here, when the process exits, from the last status the runner wrote on
 * {@code task:<id>:status} (or, without one, from the exit code). Cancel: control entry, then
 * SIGTERM after {@code cancel-grace}, then SIGKILL of the process and its descendants.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class LocalTaskLauncher implements TaskLauncher, DisposableBean {

    public static final String MODE = "local";
    public static final String DURATION_EXCEEDED = "Task duration exceeded its limit.";

    private static final Logger log = LoggerFactory.getLogger(LocalTaskLauncher.class);
    /** Server environment a run inherits; everything else (secrets included) stays out. */
    private static final List<String> ENV_ALLOW_LIST = List.of("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE",
            "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE");

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
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService timers;
    private final Map<String, LocalRun> runs = new ConcurrentHashMap<>();
    /** Pre-started runners (null when waldiez.launcher.local.standby is 0). */
    private final StandbyRunners standby;

    /** One queued or running task. */
    private static final class LocalRun implements Runnable {
        final TaskLaunch launch;
        final LocalTaskLauncher owner;
        volatile Process process;
        volatile boolean cancelRequested;
        volatile boolean timedOut;

        LocalRun(TaskLaunch launch, LocalTaskLauncher owner) {
            this.launch = launch;
            this.owner = owner;
        }

        @Override
        public void run() {
            owner.execute(this);
        }
    }

    public LocalTaskLauncher(LauncherProperties properties, TasksProperties tasks,
            @Value("${waldiez.data-dir:./var}") String dataDir, RedisEndpoint redisEndpoint,
            StatefulRedisConnection<String, String> redis, TaskTransitions transitions, TaskMetrics metrics,
            ObjectMapper json) {
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
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(props.maxConcurrent(), props.maxConcurrent(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "task-run-" + n.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "task-cancel-timer"));
        log.info("local launcher: python {}, {} concurrent runs, task files in {}, run directories in {}",
                props.pythonPath(), props.maxConcurrent(), tasksDir, scratchRoot);
        if (!Files.isExecutable(props.pythonPath())) {
            log.warn("runner python {} not found: create it with scripts/prepare-runner-venv.sh", props.pythonPath());
        }
        this.standby = props.standby() > 0 && Files.isExecutable(props.pythonPath()) ? startStandbys() : null;
    }

    private StandbyRunners startStandbys() {
        try {
            return new StandbyRunners(props.standby(), tasksDir, this::standbyProcess);
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
        LocalRun run = new LocalRun(launch, this);
        runs.put(launch.taskId(), run);
        try {
            executor.execute(run);
        } catch (RuntimeException e) {
            runs.remove(launch.taskId());
            throw e;
        }
        metrics.launched(MODE);
    }

    @Override
    public boolean isSupervising(String taskId) {
        return runs.containsKey(taskId);
    }

    /** The runner's pid while it runs (tests kill it to check crash handling). */
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
        String id = run.launch.taskId();
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
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", run.launch.taskId())) {
            log.info("runner still alive: sending {}", kill ? "SIGKILL" : "SIGTERM");
            List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
            if (kill) {
                family.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            } else {
                p.destroy(); // SIGTERM: the runner treats it as a cancel and reaps its own children
            }
        }
    }

    // ------------------------------------------------------------------------ the run thread

    private void execute(LocalRun run) {
        String id = run.launch.taskId();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
            try {
                runProcess(run);
            } catch (RuntimeException e) {
                log.error("supervising the run failed", e);
                safeFinish(id, TaskStatus.FAILED, error("the server failed while supervising the run"),
                        "the server failed while supervising the run");
            } finally {
                runs.remove(id);
                cleanup(id);
                if (standby != null) {
                    standby.refill();
                }
            }
        }
    }

    private void runProcess(LocalRun run) {
        String id = run.launch.taskId();
        if (run.cancelRequested) {
            transitions.finish(id, TaskStatus.CANCELLED, cancelledResults(), "cancelled before it started");
            return;
        }
        Path dir = tasksDir.resolve(id);
        Path flow = dir.resolve("flow.waldiez");
        Process process;
        try {
            process = startFromStandby(run.launch, dir, flow);
            if (process == null) {
                writeTaskFiles(run.launch, dir, flow);
                process = runnerProcess(dir, runnerCommand(run.launch, flow), taskEnvironment(run.launch, dir)).start();
                metrics.runnerStarted("cold");
                log.info("runner started, pid {}", process.pid());
            }
        } catch (IOException e) {
            String reason = "could not start the runner: " + e.getMessage();
            log.error(reason);
            transitions.finish(id, TaskStatus.FAILED, error(reason), reason);
            return;
        }
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
        int code = process.exitValue();
        onExit(run, code, dir);
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    private void onExit(LocalRun run, int code, Path dir) {
        String id = run.launch.taskId();
        log.info("runner exited with code {}", code);
        if (run.timedOut) {
            transitions.finish(id, TaskStatus.FAILED, error(DURATION_EXCEEDED), DURATION_EXCEEDED);
            return;
        }
        Optional<StatusEntry> last = finalStatus(id);
        if (last.isPresent()) {
            StatusEntry s = last.get();
            switch (s.status()) {
                case COMPLETED -> transitions.finish(id, TaskStatus.COMPLETED, s.results(), null);
                case CANCELLED -> transitions.finish(id, TaskStatus.CANCELLED, cancelledResults(),
                        s.message() == null ? "cancelled" : s.message());
                default -> {
                    String msg = s.message() == null ? ExitCodes.describe(code) : s.message();
                    ObjectNode results = error(msg);
                    JsonNode type = s.data().get("error_type");
                    if (type != null && type.isTextual()) {
                        results.put("error_type", type.asText());
                    }
                    transitions.finish(id, TaskStatus.FAILED, results, msg);
                }
            }
            return;
        }
        String reason = "runner exited without a final status: " + ExitCodes.describe(code) + " (exit code " + code + ")";
        log.warn("{}; last lines of its log:\n{}", reason, tail(dir.resolve("runner.log"), 15));
        transitions.finish(id, TaskStatus.FAILED, error(reason), reason);
    }

    /** The final status the runner wrote last on its own status stream, if any. */
    private Optional<StatusEntry> finalStatus(String taskId) {
        try {
            List<StreamMessage<String, String>> recent = redis.sync()
                    .xrevrange(StreamKeys.status(taskId), Range.create("-", "+"), Limit.from(50));
            for (StreamMessage<String, String> m : recent) {
                Optional<StatusEntry> s = codec.decodeStatus(m.getId(), m.getBody());
                if (s.isPresent() && s.get().status().isFinal()) {
                    return s;
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not read the final status from Redis: {}", e.toString());
        }
        return Optional.empty();
    }

    /**
     * Hands the task to a pre-started runner, or returns null when none is ready (or the hand-over
     * failed before the task was sent: the standby is dropped and the caller starts a runner itself).
     */
    private Process startFromStandby(TaskLaunch launch, Path dir, Path flow) throws IOException {
        StandbyRunners.Standby s = standby == null ? null : standby.take();
        if (s == null) {
            return null;
        }
        try {
            s.moveTo(dir);
            writeTaskFiles(launch, dir, flow);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("argv", runnerOptions(launch, flow));
            request.put("env", taskEnvironment(launch, dir));
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

    /** The task's directory (kept if a standby's was moved there), its run directory and its flow file. */
    private void writeTaskFiles(TaskLaunch launch, Path dir, Path flow) throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(runDir(launch.taskId()));
        Files.write(flow, launch.flow());
    }

    /** The runner's options for one task: its command line, or the argv a standby receives. */
    private List<String> runnerOptions(TaskLaunch launch, Path flow) {
        return List.of("--task-id", launch.taskId(),
                "--flow", flow.toString(),
                "--input-timeout", Integer.toString(launch.inputTimeoutSeconds()),
                "--workdir", runDir(launch.taskId()).toString(),
                "--key-ttl", Long.toString(Math.max(1, props.keyTtl().toSeconds())),
                "--nice", Integer.toString(props.nice()));
    }

    private List<String> runnerCommand(TaskLaunch launch, Path flow) {
        List<String> cmd = runnerModule();
        cmd.addAll(runnerOptions(launch, flow));
        return cmd;
    }

    /** {@code <venv python> -m waldiez_task_runner}, to which a command adds its options. */
    private List<String> runnerModule() {
        return new ArrayList<>(List.of(props.pythonPath().toString(), "-m", "waldiez_task_runner"));
    }

    /**
     * A standby runner in {@code dir}: the server's share of the environment only, nothing of a task;
     * it imports at the priority its task will run at, so a refill does not compete with running flows.
     */
    private ProcessBuilder standbyProcess(Path dir) {
        List<String> cmd = runnerModule();
        cmd.add("--standby");
        return runnerProcess(dir, cmd, Map.of("WALDIEZ_NICE", Integer.toString(props.nice())))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    /** What a task adds to a runner's environment (a standby gets it with the task, not at its start). */
    private Map<String, String> taskEnvironment(TaskLaunch launch, Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", dir.toString());
        env.putAll(launch.envVars());
        // After the task's own variables, so that a flow can never point its runner elsewhere.
        env.put("WALDIEZ_REDIS_URL", redisEndpoint.url());
        return env;
    }

    /** A runner process in {@code dir}, logging to its runner.log, with an allow-list of the server's environment. */
    private ProcessBuilder runnerProcess(Path dir, List<String> cmd, Map<String, String> taskEnv) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("runner.log").toFile());
        Map<String, String> env = pb.environment();
        Map<String, String> server = Map.copyOf(env);
        env.clear();
        for (String name : ENV_ALLOW_LIST) {
            copy(server, env, name);
        }
        for (String name : props.passEnv()) {
            copy(server, env, name);
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", dir.toString());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.putAll(taskEnv);
        return pb;
    }

    private static void copy(Map<String, String> from, Map<String, String> to, String name) {
        String v = from.get(name);
        if (v != null) {
            to.put(name, v);
        }
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

    private void cleanup(String id) {
        if (props.keepWorkdirs()) {
            return;
        }
        removeTree(runDir(id));
        removeTree(tasksDir.resolve(id));
    }

    static void removeTree(Path dir) {
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
