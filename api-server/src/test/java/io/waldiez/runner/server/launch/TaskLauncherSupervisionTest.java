package io.waldiez.runner.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TaskTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;

/** The local launcher's supervision with real runner processes: crash, cap, restart recovery. */
class TaskLauncherSupervisionTest extends TaskTestSupport {

    @Autowired
    private LocalTaskLauncher launcher;

    @Autowired
    private TaskRecovery recovery;

    @Autowired
    private LauncherProperties launcherProperties;

    @Autowired
    private RunContainment containment;

    @Autowired
    private io.waldiez.runner.server.packages.EnvironmentBuilds packages;

    @Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    private io.waldiez.runner.server.infra.RedisEndpoint redisEndpoint;

    @Autowired
    private io.lettuce.core.api.StatefulRedisConnection<String, String> redis;

    @Autowired
    private io.waldiez.runner.server.tasks.TaskTransitions transitions;

    @Autowired
    private io.waldiez.runner.server.tasks.TaskMetrics metrics;

    @org.springframework.beans.factory.annotation.Value("${waldiez.data-dir}")
    private String dataDir;

    @Test
    void killedRunnerMakesTheTaskFailedWithAReason() throws Exception {
        TestClient dave = newClient(Audiences.TASKS_API);
        String token = dave.accessToken();
        String id = startWaitingForInput(token);

        OptionalLong pid = launcher.pid(id);
        assertThat(pid).isPresent();
        // The run's working directory is <scratch root>/<id> (memory-backed where /dev/shm exists).
        Path tasksDir = Path.of(dataDir).toAbsolutePath().normalize().resolve("tasks");
        Path scratch = launcherProperties.local().scratchRoot(tasksDir);
        Path runDir = scratch.equals(tasksDir) ? tasksDir.resolve(id).resolve("run") : scratch.resolve(id);
        assertThat(Files.isDirectory(runDir.resolve("home"))).as("runner home in %s", runDir).isTrue();
        // ... and it runs at a lower CPU priority than the server (waldiez.launcher.local.nice, 5 in tests).
        assertThat(launcherProperties.local().nice()).isEqualTo(5);
        ProcessHandle runner = ProcessHandle.of(pid.getAsLong()).orElseThrow();
        // the runner's python (inside the sandbox, it is a descendant of bubblewrap's process)
        long python = java.util.stream.Stream.concat(java.util.stream.Stream.of(runner), runner.descendants())
                .filter(h -> h.info().command().map(c -> c.contains("python")).orElse(false))
                .findFirst().orElseThrow().pid();
        assertThat(niceness(python) - niceness(ProcessHandle.current().pid())).isEqualTo(5);
        // ... and, by default, in the normal scheduling class (0; waldiez.launcher.local.cpu-idle=true: 5, SCHED_IDLE)
        assertThat(launcherProperties.local().cpuIdle()).isFalse();
        assertThat(statField(python, 38)).as("scheduling policy of the runner").isZero();
        runner.descendants().forEach(ProcessHandle::destroyForcibly);
        assertThat(runner.destroyForcibly()).isTrue();

        JsonNode failed = awaitTask(token, id, Duration.ofSeconds(20), t -> "FAILED".equals(t.get("status").asText()));
        assertThat(failed.get("status_reason").asText()).contains("SIGKILL").contains("137");
        assertThat(failed.get("results").get("error").asText()).isEqualTo(failed.get("status_reason").asText());
        assertThat(launcher.isSupervising(id)).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(runDir));
    }

    /** Field 19 of /proc/<pid>/stat (the fields after the command name start at 3). */
    private static int niceness(long pid) throws java.io.IOException {
        return statField(pid, 16);
    }

    /** A numeric field of /proc/PID/stat, counted from the state field (0) after the command name. */
    private static int statField(long pid, int index) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index]);
    }

    @Test
    void aTaskTakesTheStandbyRunnerAndAReplacementIsStarted() {
        int standbys = launcherProperties.local().standby();
        await().atMost(Duration.ofSeconds(60)).until(() -> launcher.standbyReady() == standbys);
        double before = standbyStarts();
        TestClient hana = newClient(Audiences.TASKS_API);
        String token = hana.accessToken();
        String id = start(token, "valid.waldiez", Map.of());
        JsonNode done = awaitStatus(token, id, "COMPLETED");
        assertThat(standbyStarts()).isEqualTo(before + 1);
        assertThat(done.get("results")).isNotNull();
        await().atMost(Duration.ofSeconds(60)).until(() -> launcher.standbyReady() == standbys);
    }

    @Test
    void aTakenStandbyIsReplacedWhileItsTaskStillRuns() {
        int standbys = launcherProperties.local().standby();
        await().atMost(Duration.ofSeconds(60)).until(() -> launcher.standbyReady() == standbys);
        TestClient ines = newClient(Audiences.TASKS_API);
        String token = ines.accessToken();
        String id = startWaitingForInput(token); // took a standby and stays running, waiting for input
        try {
            // The pool is full again before the task ends: a task right after this one finds a ready runner.
            await().atMost(Duration.ofSeconds(60)).until(() -> launcher.standbyReady() == standbys);
            assertThat(launcher.pid(id)).as("the task is still running").isPresent();
        } finally {
            http(token).post().uri("/api/v1/tasks/" + id + "/cancel").retrieve().toBodilessEntity();
        }
    }

    private double standbyStarts() {
        var counter = meters.find("waldiez.launcher.runner.starts").tag("start", "standby").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void perClientCapAnswers429WithAMessage() {
        TestClient erin = newClient(Audiences.TASKS_API);
        String token = erin.accessToken();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) { // waldiez.tasks.max-jobs default
                ids.add(start(token, "dummy_with_input.waldiez", Map.of("input_timeout", "300", "force", "true")));
            }
            ResponseEntity<JsonNode> sixth = create(token, "dummy_with_input.waldiez",
                    flow("dummy_with_input.waldiez"), Map.of("force", "true"));
            assertThat(sixth.getStatusCode().value()).isEqualTo(429);
            assertThat(sixth.getBody().get("detail").asText()).isEqualTo(
                    "Cannot create more than 5 tasks at the same time. Please wait for some tasks to finish");
            // Another client is not affected by erin's cap (checked without running anything: a bad file).
            ResponseEntity<JsonNode> other = create(newClient(Audiences.TASKS_API).accessToken(), "x.txt",
                    "{}".getBytes(), Map.of());
            assertThat(other.getStatusCode().value()).isEqualTo(400);
        } finally {
            for (String id : ids) {
                http(token).post().uri("/api/v1/tasks/{id}/cancel", id).retrieve().toBodilessEntity();
            }
        }
        for (String id : ids) {
            JsonNode t = awaitTask(token, id, Duration.ofSeconds(30), x -> !launcher.isSupervising(id));
            assertThat(t.get("status").asText()).isEqualTo("CANCELLED");
        }
        // Cap freed: the duplicate check is what answers now (same file, no force).
        ResponseEntity<JsonNode> after = create(token, "dummy_with_input.waldiez", "not json".getBytes(), Map.of());
        assertThat(after.getStatusCode().value()).isEqualTo(400);
    }

    @Test
    void restartRecoveryFailsTasksNoLauncherSupervises() {
        TestClient frank = newClient(Audiences.TASKS_API);
        String running = insertRow(frank.id(), "left-running.waldiez", "RUNNING", Instant.now().minusSeconds(600));
        String waiting = insertRow(frank.id(), "left-waiting.waldiez", "WAITING_FOR_INPUT", Instant.now().minusSeconds(600));
        String done = insertRow(frank.id(), "done.waldiez", "COMPLETED", Instant.now().minusSeconds(600));

        assertThat(recovery.recoverOrphans()).isGreaterThanOrEqualTo(2);

        for (String id : List.of(running, waiting)) {
            JsonNode t = get(frank.accessToken(), id);
            assertThat(t.get("status").asText()).isEqualTo("FAILED");
            assertThat(t.get("status_reason").asText()).isEqualTo(TaskRecovery.RESTART_REASON);
            assertThat(t.get("results").get("error").asText()).isEqualTo(TaskRecovery.RESTART_REASON);
        }
        assertThat(get(frank.accessToken(), done).get("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void runLongerThanTheMaximumDurationIsStoppedAndFailed() {
        TestClient gina = newClient(Audiences.TASKS_API);
        // Its own launcher with a 3 s limit (no second Spring context); launcher column "kubernetes"
        // so that the shared local supervisor leaves this run to it.
        String id = insertRow(gina.id(), "slow.waldiez", "PENDING", Instant.now());
        jdbc.sql("UPDATE tasks SET launcher = 'kubernetes' WHERE id = :id").param("id", id).update();
        LocalTaskLauncher limited = new LocalTaskLauncher(launcherProperties,
                new io.waldiez.runner.server.tasks.TasksProperties(5, Duration.ofSeconds(3),
                        org.springframework.util.unit.DataSize.ofMegabytes(5), 180, 86400,
                        org.springframework.util.unit.DataSize.ofKilobytes(512)),
                dataDir, redisEndpoint, redis, transitions, metrics, json, containment, packages);
        try {
            limited.launch(new TaskLaunch(id, gina.id(), "slow.waldiez", flow("dummy_with_input.waldiez"), 300, Map.of()));
            JsonNode failed = awaitTask(gina.accessToken(), id, Duration.ofSeconds(60),
                    t -> "FAILED".equals(t.get("status").asText()));
            assertThat(failed.get("status_reason").asText()).isEqualTo("Task duration exceeded its limit.");
            assertThat(failed.get("results").get("error").asText()).isEqualTo("Task duration exceeded its limit.");
        } finally {
            limited.destroy();
        }
    }

    @Test
    void theFinalStatusIsRecordedWhenTheRunnerWritesItNotWhenItsProcessExits() {
        TestClient ivy = newClient(Audiences.TASKS_API);
        String token = ivy.accessToken();
        // A flow that leaves a thread behind: the interpreter waits 30 s for it after the runner is done.
        byte[] lingering = io.waldiez.runner.server.support.CodeFlows.running(flowsDir(), """
                    import threading, time
                    threading.Thread(target=time.sleep, args=(30,), daemon=False).start()
                    return "done, but not gone"
                """);
        ResponseEntity<JsonNode> created = create(token, "lingering.waldiez", lingering, Map.of());
        assertThat(created.getStatusCode().value()).as("%s", created.getBody()).isEqualTo(200);
        String id = created.getBody().get("id").asText();

        JsonNode done = awaitStatus(token, id, "COMPLETED");
        assertThat(launcher.isSupervising(id)).as("the runner process is still there").isTrue();
        assertThat(done.get("results")).isNotNull();
        // However the process ends afterwards (here: killed), the recorded end does not change.
        ProcessHandle process = ProcessHandle.of(launcher.pid(id).orElseThrow()).orElseThrow();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(20)).until(() -> !launcher.isSupervising(id));
        assertThat(get(token, id).get("status").asText()).isEqualTo("COMPLETED");
    }
}
