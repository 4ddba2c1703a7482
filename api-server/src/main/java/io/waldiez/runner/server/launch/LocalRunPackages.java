package io.waldiez.runner.server.launch;

import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.protocol.ControlEntry;
import io.waldiez.runner.protocol.PackagesPolicy;
import io.waldiez.runner.protocol.PackagesRequest;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.packages.EnvironmentBuilds;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The local launcher's side of flows' packages (docs/packages.md): what runs are told about the
 * cache, what a run's packages entry leads to, and the environment a run holds until it ends.
 */
final class LocalRunPackages {

    private static final Logger log = LoggerFactory.getLogger(LocalRunPackages.class);

    private final EnvironmentBuilds builds;
    private final StatefulRedisConnection<String, String> redis;
    private final ProtocolCodec codec;

    LocalRunPackages(EnvironmentBuilds builds, StatefulRedisConnection<String, String> redis, ProtocolCodec codec) {
        this.builds = builds;
        this.redis = redis;
        this.codec = codec;
    }

    /** What every run (a standby too) gets: where built environments are ({@code envsDir}, read-only), the policy. */
    Map<String, String> runnerEnv(String envsDir) {
        return builds.enabled() ? builds.policy().runnerEnv("cache", envsDir, builds.runWait())
                : Map.of(PackagesPolicy.MODE, "off");
    }

    /**
     * A run's word about its packages (holding the run's lock): the environment it uses ({@code cached}:
     * kept from eviction while it runs, counted as a hit), or the one it needs ({@code needed}: built
     * once per key, the run told by a control entry when it is ready or why it is not, while
     * {@code stillRunning}). Only its first word counts: what comes later may be the flow's own code.
     */
    void request(LocalRun run, PackagesRequest request, BooleanSupplier stillRunning) {
        if (run.packagesKey != null || !builds.enabled()) {
            return;
        }
        String id = run.taskId();
        if (request.state() == PackagesRequest.State.CACHED) {
            if (builds.cache().find(request.key()).isPresent()) {
                run.packagesKey = request.key();
                builds.acquire(request.key(), true);
            }
            return;
        }
        run.packagesKey = request.key();
        builds.acquire(request.key(), false);
        log.info("the run needs packages {} (environment {})", request.requirements(), request.key());
        builds.ensure(request).whenComplete((outcome, error) -> {
            try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
                ControlEntry answer = error == null && outcome.ready() ? ControlEntry.packagesReady(id)
                        : ControlEntry.packagesFailed(id, error != null ? "the server failed while building" : outcome.reason());
                if (stillRunning.getAsBoolean()) {
                    redis.sync().xadd(StreamKeys.status(id), codec.encodeControl(answer));
                }
            } catch (RuntimeException e) {
                log.warn("could not tell the run about its packages: {}", e.toString());
            }
        });
    }

    /** The run ended: its environment may be evicted again. */
    void ended(LocalRun run) {
        if (run.packagesKey != null) {
            builds.release(run.packagesKey);
        }
    }
}
