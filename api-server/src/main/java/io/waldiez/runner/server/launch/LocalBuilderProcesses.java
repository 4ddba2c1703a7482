package io.waldiez.runner.server.launch;

import io.waldiez.runner.server.packages.BuilderProcesses;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Builders of flows' environments, contained like runs ({@link RunContainment}): the same sandbox, as
 * {@code nobody}, with only the environment's directory writable; never the server's own process or
 * its Python. Refused whenever runs are.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class LocalBuilderProcesses implements BuilderProcesses {

    private final RunContainment containment;
    private final RunnerProcesses processes;

    public LocalBuilderProcesses(LauncherProperties properties, RunContainment containment) {
        this.containment = containment;
        this.processes = new RunnerProcesses(properties.local(), containment.sandbox(), containment.cgroup(), Map.of());
    }

    @Override
    public ProcessBuilder builder(List<String> args, Path entry, Map<String, String> env) {
        return processes.builder(args, entry, env);
    }

    @Override
    public String refusal() {
        return containment.refusal().map(r -> "packages cannot be installed: " + r).orElse(null);
    }
}
