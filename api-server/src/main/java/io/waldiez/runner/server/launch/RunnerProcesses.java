package io.waldiez.runner.server.launch;

import io.waldiez.runner.protocol.PackagesPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the processes of local runs: {@code <venv python> -m waldiez_task_runner}, in the
 * {@link Sandbox} when there is one, with an allow-list of the server's environment and nothing else
 * of it. A run's task directory holds its flow and its {@code runner.log} (written by the server);
 * its run directory is its working directory.
 */
final class RunnerProcesses {

    /** Server environment a run inherits; everything else (secrets included) stays out. */
    private static final List<String> ENV_ALLOW_LIST = List.of("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE",
            "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE");
    static final String LOG_FILE = "runner.log";
    static final String FLOW_FILE = "flow.waldiez";

    private final LauncherProperties.Local props;
    private final Sandbox sandbox;
    private final RunCgroup cgroup;
    /** What every run gets about flows' packages (docs/packages.md); empty when they are off. */
    private final Map<String, String> packagesEnv;

    RunnerProcesses(LauncherProperties.Local props, Sandbox sandbox, RunCgroup cgroup, Map<String, String> packagesEnv) {
        this.props = props;
        this.sandbox = sandbox;
        this.cgroup = cgroup;
        this.packagesEnv = Map.copyOf(packagesEnv);
    }

    Sandbox sandbox() {
        return sandbox;
    }

    /** A runner for one task, started now (no standby was ready). */
    ProcessBuilder cold(String taskId, int inputTimeoutSeconds, Path taskDir, Path runDir, Map<String, String> taskEnv) {
        List<String> cmd = module();
        cmd.addAll(options(taskId, inputTimeoutSeconds, taskDir, runDir));
        return process(cmd, taskDir, runDir, taskEnv);
    }

    /**
     * A standby runner in its own directories: the server's share of the environment only, nothing of
     * a task; it imports at the priority its task will run at, so a refill yields to the server as runs do.
     */
    ProcessBuilder standby(Path taskDir, Path runDir) {
        List<String> cmd = module();
        cmd.add("--standby");
        return process(cmd, taskDir, runDir, Map.of("WALDIEZ_NICE", Integer.toString(props.nice()),
                        "WALDIEZ_CPU_IDLE", Boolean.toString(props.cpuIdle())))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    /**
     * The builder of one flow environment ({@code waldiez_task_runner.packages build --dir <entry> ARGS}):
     * in the sandbox with only {@code entry} writable, the server's allow-list of variables and its {@code PIP_*} ones
     * (the machine's pip configuration), then {@code policy}'s. Its output is read by the caller.
     */
    ProcessBuilder builder(List<String> args, Path entry, Map<String, String> policy) {
        List<String> cmd = new ArrayList<>(List.of(props.pythonPath().toString(), "-m", "waldiez_task_runner.packages",
                "build", "--dir", visible(entry, Sandbox.PACKAGES_DIR.resolve(entry.getFileName().toString())).toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cgroup.wrap(sandbox.wrapBuild(cmd, entry))).directory(entry.toFile());
        Map<String, String> env = pb.environment();
        Map<String, String> server = Map.copyOf(env);
        env.clear();
        for (String name : ENV_ALLOW_LIST) {
            copy(server, env, name);
        }
        server.forEach((k, v) -> {
            if (k.startsWith("PIP_")) {
                env.put(k, v);
            }
        });
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", entry.toString());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONNOUSERSITE", "1");
        env.putAll(policy);
        return pb;
    }

    /** The runner's options for one task: its command line, or the argv a standby receives. */
    List<String> options(String taskId, int inputTimeoutSeconds, Path taskDir, Path runDir) {
        return List.of("--task-id", taskId,
                "--flow", visible(taskDir, Sandbox.TASK_DIR).resolve(FLOW_FILE).toString(),
                "--input-timeout", Integer.toString(inputTimeoutSeconds),
                "--workdir", visible(runDir, Sandbox.WORK_DIR).toString(),
                "--key-ttl", Long.toString(Math.max(1, props.keyTtl().toSeconds())),
                "--nice", Integer.toString(props.nice()),
                "--cpu-idle", Boolean.toString(props.cpuIdle()));
    }

    /**
     * What a task adds to a runner's environment (a standby gets it with the task, not at its start):
     * its own variables, then its own Redis credentials, so that a flow can never point its runner
     * elsewhere.
     */
    Map<String, String> taskEnvironment(TaskLaunch launch, Path runDir, String redisUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", visible(runDir, Sandbox.WORK_DIR).resolve("home").toString());
        env.putAll(launch.envVars());
        env.put("WALDIEZ_REDIS_URL", redisUrl);
        if (launch.skipDeps() != null) {
            env.put(PackagesPolicy.SKIP_DEPS, launch.skipDeps().toString());
        }
        if (launch.packagesOnly()) {
            env.put(PackagesPolicy.ONLY, "true");
        }
        return env;
    }

    /** Where runs find the built environments: {@code envs}, or {@link Sandbox#PACKAGES_DIR} in the sandbox. */
    Path packagesDir(Path envs) {
        return visible(envs, Sandbox.PACKAGES_DIR);
    }

    private Path visible(Path hostPath, Path insideSandbox) {
        return sandbox.enabled() ? insideSandbox : hostPath;
    }

    private List<String> module() {
        return new ArrayList<>(List.of(props.pythonPath().toString(), "-m", "waldiez_task_runner"));
    }

    private ProcessBuilder process(List<String> runner, Path taskDir, Path runDir, Map<String, String> taskEnv) {
        ProcessBuilder pb = new ProcessBuilder(cgroup.wrap(sandbox.wrap(runner, taskDir, runDir))).directory(taskDir.toFile())
                .redirectErrorStream(true).redirectOutput(taskDir.resolve(LOG_FILE).toFile());
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
        env.put("HOME", visible(runDir, Sandbox.WORK_DIR).resolve("home").toString());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.putAll(packagesEnv);
        env.putAll(taskEnv);
        return pb;
    }

    private static void copy(Map<String, String> from, Map<String, String> to, String name) {
        String v = from.get(name);
        if (v != null) {
            to.put(name, v);
        }
    }
}
