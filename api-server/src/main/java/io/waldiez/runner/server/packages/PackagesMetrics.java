package io.waldiez.runner.server.packages;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Meters of flows' environments: builds by outcome and how long they took, cache hits (a run that
 * needed packages found them built), evictions, and the cache's size.
 */
public final class PackagesMetrics {

    private final MeterRegistry registry;

    public PackagesMetrics(MeterRegistry registry, Supplier<Number> cacheBytes, Supplier<Number> environments) {
        this.registry = registry;
        Gauge.builder("waldiez.packages.cache.size", cacheBytes).baseUnit("bytes")
                .description("Bytes of the built environments kept").register(registry);
        Gauge.builder("waldiez.packages.cache.environments", environments)
                .description("Built environments kept").register(registry);
    }

    /** @param outcome ready, failed, refused or timeout */
    public void built(String outcome, Duration took) {
        Counter.builder("waldiez.packages.builds").tag("outcome", outcome)
                .description("Environment builds by outcome").register(registry).increment();
        Timer.builder("waldiez.packages.build.duration").tag("outcome", outcome)
                .description("How long environment builds took").register(registry).record(took);
    }

    public void hit() {
        Counter.builder("waldiez.packages.hits").description("Runs that found their environment built")
                .register(registry).increment();
    }

    public void evicted(int n) {
        Counter.builder("waldiez.packages.evictions").description("Environments removed to keep the cache in its size")
                .register(registry).increment(n);
    }
}
