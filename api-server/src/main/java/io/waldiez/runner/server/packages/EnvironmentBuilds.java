package io.waldiez.runner.server.packages;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.protocol.PackagesKey;
import io.waldiez.runner.protocol.PackagesPolicy;
import io.waldiez.runner.protocol.PackagesRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Builds flows' environments in local mode, once per key: a run that needs one asks
 * ({@link #ensure}); the first request of a key starts its build (a supervised {@link BuilderProcesses}
 * process with a time limit, at most {@code max-concurrent-builds} at once), later ones share its outcome.
 * A lock file per key makes a second server on the same cache wait for the first one's build instead
 * of building the same thing again. After each build the cache is kept within its size.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class EnvironmentBuilds implements DisposableBean {

    /** How a request ended: the environment is ready, or why not (one line, no secrets). */
    public record Outcome(boolean ready, String reason) {
        static Outcome ok() {
            return new Outcome(true, "");
        }

        static Outcome failed(String reason) {
            return new Outcome(false, reason);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(EnvironmentBuilds.class);
    private static final String FAILED_PREFIX = "waldiez-packages: failed: ";

    private final PackagesProperties props;
    private final PackagesPolicy policy;
    private final String index;
    private final EnvironmentCache cache;
    private final BuilderProcesses processes;
    private final PackagesMetrics metrics;
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<Outcome>> building = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inUse = new ConcurrentHashMap<>();
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    public EnvironmentBuilds(PackagesProperties props, @Value("${waldiez.data-dir:./var}") String dataDir,
            ObjectMapper json, MeterRegistry registry, BuilderProcesses processes) {
        this.props = props;
        this.policy = props.policy();
        this.index = policy.indexFingerprint();
        this.processes = processes;
        try {
            this.cache = new EnvironmentCache(props.cacheRoot(dataDir), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the packages cache " + props.cacheRoot(dataDir), e);
        }
        this.metrics = new PackagesMetrics(registry, cache::totalBytes, () -> cache.entries().size());
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(props.maxConcurrentBuilds(), r -> {
            Thread t = new Thread(r, "packages-build-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        if (props.enabled()) {
            log.info("flows' packages: environments in {} ({} kept, {}), {}", cache.envs(),
                    cache.entries().size(), props.maxCacheSize(), policy);
            if (policy.indexHasCredentials() && !policy.onlyBinary()) {
                log.warn("the package index URL holds credentials and source builds are allowed: a package's build "
                        + "could read them; set waldiez.packages.only-binary=true (docs/packages.md)");
            }
            evict();
        } else {
            log.info("flows' packages are off (waldiez.packages.enabled=false): flows run with the runner's environment only");
        }
    }

    public boolean enabled() {
        return props.enabled();
    }

    public PackagesPolicy policy() {
        return policy;
    }

    public EnvironmentCache cache() {
        return cache;
    }

    /** How long a run waits for its environment (its own build, and one queued before it). */
    public Duration runWait() {
        return props.runWait();
    }

    /** The environment of {@code request}: at once if built, else when its build (this one, or one running) ends. */
    public CompletableFuture<Outcome> ensure(PackagesRequest request) {
        Optional<String> problem = PackagesKey.problem(request, index);
        if (problem.isPresent()) {
            log.warn("refusing a packages request: {}", problem.get());
            metrics.built("refused", Duration.ZERO);
            return CompletableFuture.completedFuture(Outcome.failed(problem.get()));
        }
        String refusal = processes.refusal();
        if (refusal != null) {
            return CompletableFuture.completedFuture(Outcome.failed(refusal));
        }
        String key = request.key();
        if (cache.find(key).isPresent()) {
            return CompletableFuture.completedFuture(Outcome.ok());
        }
        CompletableFuture<Outcome> started = new CompletableFuture<>();
        CompletableFuture<Outcome> existing = building.putIfAbsent(key, started);
        if (existing != null) {
            log.info("environment {} is being built already: this run waits for it", key);
            return existing;
        }
        executor.execute(() -> {
            Outcome outcome;
            try {
                outcome = build(request);
            } catch (RuntimeException e) {
                log.error("building environment {} failed", key, e);
                outcome = Outcome.failed("the server failed while building the environment");
            }
            building.remove(key, started);
            started.complete(outcome);
            evict();
        });
        return started;
    }

    /** A run uses {@code key} (until {@link #release}): it is not evicted meanwhile. */
    public void acquire(String key, boolean hit) {
        inUse.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        cache.touch(key);
        if (hit) {
            metrics.hit();
        }
    }

    public void release(String key) {
        inUse.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Keys being built now (tests, logs). */
    public Set<String> building() {
        return Set.copyOf(building.keySet());
    }

    private Outcome build(PackagesRequest request) {
        String key = request.key();
        long started = System.nanoTime();
        try (FileChannel lockChannel = FileChannel.open(cache.lockFile(key), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockChannel.lock()) {
            if (cache.find(key).isPresent()) {
                return Outcome.ok(); // another server built it meanwhile
            }
            log.info("building environment {}: {}", key, request.requirements());
            var entry = cache.prepare(key);
            List<String> args = new ArrayList<>(List.of("--key", key, "--base", request.base()));
            request.requirements().forEach(r -> args.addAll(List.of("--requirement", r)));
            Process process = processes.builder(args, entry, policy.builderEnv()).redirectErrorStream(true).start();
            running.add(process);
            AtomicReference<String> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> follow(process, key, failure), "packages-build-output");
            reader.setDaemon(true);
            reader.start();
            Duration limit = props.buildTimeout().plusSeconds(30);
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return finish(key, started, "timeout", "the installation took longer than " + props.buildTimeout());
            }
            reader.join(5000);
            if (process.exitValue() == 0 && cache.find(key).isPresent()) {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                metrics.built("ready", took);
                log.info("environment {} ready in {} ms ({} MiB)", key, took.toMillis(),
                        cache.find(key).map(EnvironmentCache.Entry::bytes).orElse(0L) >> 20);
                return Outcome.ok();
            }
            String reason = Optional.ofNullable(failure.get()).or(() -> cache.failure(key))
                    .orElse("the builder exited with code " + process.exitValue());
            return finish(key, started, "failed", reason);
        } catch (IOException e) {
            return finish(key, started, "failed", "could not start the build: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(key, started, "failed", "the server stopped during the build");
        } finally {
            running.removeIf(p -> !p.isAlive());
        }
    }

    private Outcome finish(String key, long started, String outcome, String reason) {
        String line = PackagesPolicy.reason(reason);
        metrics.built(outcome, Duration.ofNanos(System.nanoTime() - started));
        log.warn("environment {} not built ({}): {}", key, outcome, line);
        return Outcome.failed(line);
    }

    /** The builder's output goes to the server's log (debug); its last line says why it failed. */
    private static void follow(Process process, String key, AtomicReference<String> failure) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.debug("build {}: {}", key, line);
                if (line.startsWith(FAILED_PREFIX)) {
                    failure.set(line.substring(FAILED_PREFIX.length()));
                }
            }
        } catch (IOException e) {
            log.debug("reading build {} output: {}", key, e.toString());
        }
    }

    private void evict() {
        Set<String> keep = new HashSet<>(inUse.keySet());
        keep.addAll(building.keySet());
        int n = cache.evict(props.maxCacheSize().toBytes(), keep).size();
        if (n > 0) {
            metrics.evicted(n);
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
        for (Process p : running) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
