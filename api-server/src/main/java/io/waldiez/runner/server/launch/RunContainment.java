package io.waldiez.runner.server.launch;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.protocol.TaskRedisUsers;
import io.waldiez.runner.server.packages.PackagesProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * What keeps a local run inside its own task (docs/security.md): the {@link Sandbox} around its
 * process, and its own Redis ACL user. Both are checked once at start. When one is missing the server
 * says so loudly, here and in {@code /status}, and {@code waldiez.launcher.local.allow-uncontained}
 * decides: runs are refused (the default: each fails with the reason) or run without it.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class RunContainment {

    private static final Logger log = LoggerFactory.getLogger(RunContainment.class);

    /** For {@code /status}: what contains runs here, and whether runs may start. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(boolean sandboxed, String sandbox, boolean ownRedisUsers, String redisUsers,
            boolean allowUncontained, boolean runsAllowed) {
    }

    private final Sandbox sandbox;
    private final RunCgroup cgroup;
    private final TaskRedisUsers users;
    private final Optional<String> usersUnavailable;
    private final boolean allowUncontained;

    public RunContainment(LauncherProperties properties, PackagesProperties packages,
            @Value("${waldiez.data-dir:./var}") String dataDir, StatefulRedisConnection<String, String> redis) {
        LauncherProperties.Local props = properties.local();
        this.allowUncontained = props.allowUncontained();
        Path stateDir = Path.of(dataDir).toAbsolutePath().normalize().resolve("tasks").resolve(".sandbox");
        // Runs see the built environments of flows' packages read-only (docs/packages.md).
        Path envs = packages.enabled() ? envsDir(packages.cacheRoot(dataDir)) : null;
        this.sandbox = switch (props.sandbox()) {
            case NONE -> Sandbox.none("turned off (waldiez.launcher.local.sandbox=none)");
            case BUBBLEWRAP -> Sandbox.detect(props.bwrap(), props.pythonPath(), stateDir, envs);
        };
        this.cgroup = RunCgroup.open(props.runCgroup(), props.cpuIdle());
        this.users = new TaskRedisUsers(redis);
        this.usersUnavailable = users.unavailableReason();
        report(log);
    }

    private static Path envsDir(Path cacheRoot) {
        Path envs = cacheRoot.resolve("envs");
        try {
            Files.createDirectories(envs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the packages cache " + envs, e);
        }
        return envs;
    }

    private void report(Logger out) {
        if (sandbox.enabled() && usersUnavailable.isEmpty()) {
            out.info("runs are contained: sandbox {}, each run has its own Redis user", sandbox.description());
            return;
        }
        String missing = (sandbox.enabled() ? "" : "NO SANDBOX: " + sandbox.description() + ". ")
                + usersUnavailable.map(r -> "NO PER-RUN REDIS USERS: " + r + ". ").orElse("");
        if (allowUncontained) {
            out.warn("!!! {}Runs start anyway (waldiez.launcher.local.allow-uncontained=true): a flow can read the "
                    + "server's files and other tasks' Redis keys. See docs/security.md.", missing);
        } else {
            out.error("!!! {}Runs are refused until this is fixed, or an admin sets "
                    + "waldiez.launcher.local.allow-uncontained=true. See docs/security.md.", missing);
        }
    }

    Sandbox sandbox() {
        return sandbox;
    }

    /** The CPU cgroup runs start in (scheduling, not containment: a run cannot leave it, but need not be in one). */
    RunCgroup cgroup() {
        return cgroup;
    }

    TaskRedisUsers users() {
        return users;
    }

    /** True when each run gets its own Redis user. */
    boolean ownRedisUsers() {
        return usersUnavailable.isEmpty();
    }

    /** Why a run may not start here, or empty when it may. */
    Optional<String> refusal() {
        if (allowUncontained || sandbox.enabled() && usersUnavailable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Runs are refused: this server cannot contain them ("
                + (sandbox.enabled() ? "" : "no sandbox: " + sandbox.description() + "; ")
                + usersUnavailable.map(r -> "no per-run Redis users: " + r + "; ").orElse("")
                + "see docs/security.md).");
    }

    public Report report() {
        return new Report(sandbox.enabled(), sandbox.toString(), usersUnavailable.isEmpty(),
                usersUnavailable.orElse("one ACL user per run"), allowUncontained, refusal().isEmpty());
    }
}
