package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * All operator configuration ({@code waldiez.operator.*}); docs/operator.md lists every property.
 *
 * @param defaultImage        runner image for tasks that set none
 * @param watchNamespaces     namespaces to watch; empty means all
 * @param redisUrl            Redis URL of the operator itself (hint stream, cancel, per-run ACL users: its
 *                            user needs the {@code acl} commands); from a Secret through the environment in
 *                            the chart, never logged
 * @param runnerRedisUrl      Redis URL task pods connect to, without credentials (each run has its own user,
 *                            docs/security.md); empty means {@code redisUrl} without its user and password
 * @param consumerName        consumer name in the {@code operator} group; stable across restarts so that
 *                            entries not yet acknowledged are read again
 * @param cancelGrace         time between the cancel message and deleting the Job
 * @param maxTtl              upper bound of spec.ttlSecondsAfterFinished
 * @param archiveWait         how long past its TTL a task made by the API server waits for the
 *                            {@code waldiez.io/archived} annotation before it is deleted anyway
 * @param unknownTaskAckAfter status entries of tasks this operator does not know are acknowledged
 *                            once they are this old (their task may still be arriving in the cache)
 * @param reconcileThreads    concurrent reconciles
 * @param leaderElection      Lease-based leader election
 * @param taskWorkdir         the task pod's writable {@code emptyDir}s ({@code /work} and {@code /tmp})
 */
@ConfigurationProperties("waldiez.operator")
public record OperatorSettings(
        @DefaultValue("waldiez/runner:latest") String defaultImage,
        @DefaultValue List<String> watchNamespaces,
        @DefaultValue("redis://localhost:6379") String redisUrl,
        @DefaultValue("") String runnerRedisUrl,
        @DefaultValue("operator") String consumerName,
        @DefaultValue("10s") Duration cancelGrace,
        @DefaultValue("7d") Duration maxTtl,
        @DefaultValue("1d") Duration archiveWait,
        @DefaultValue("60s") Duration unknownTaskAckAfter,
        @DefaultValue("10") int reconcileThreads,
        @DefaultValue LeaderElection leaderElection,
        @DefaultValue TaskWorkdir taskWorkdir) {

    public OperatorSettings {
        if (runnerRedisUrl == null || runnerRedisUrl.isBlank()) {
            runnerRedisUrl = withoutCredentials(redisUrl);
        }
        if (!withoutCredentials(runnerRedisUrl).equals(runnerRedisUrl)) {
            throw new IllegalArgumentException("waldiez.operator.runner-redis-url must not hold credentials: "
                    + "each run gets its own Redis user");
        }
    }

    /** {@code url} without the user and password of its authority. */
    static String withoutCredentials(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int end = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', end - 1);
        return at < start ? url : url.substring(0, start) + url.substring(at + 1);
    }

    /**
     * @param enabled        take a Lease before reconciling (required for more than one replica)
     * @param leaseName      Lease name
     * @param leaseNamespace Lease namespace; empty means the operator's own namespace
     */
    public record LeaderElection(@DefaultValue("false") boolean enabled,
                                 @DefaultValue("waldiez-operator-lease") String leaseName,
                                 String leaseNamespace) {
    }

    /**
     * The two writable {@code emptyDir} volumes of a task pod: {@code /work} (the runner's
     * WALDIEZ_WORKDIR and HOME) and {@code /tmp}. Memory-backed by default because ag2 commits its
     * runtime event log to a SQLite file in the working directory after every message, and on node
     * disk each commit waits for fsync (a 607-message flow: 9.7 s on disk, 1.9 s on tmpfs). What a
     * task writes to a {@code Memory} volume counts against the task container's memory limit.
     *
     * @param medium    {@code Memory} (tmpfs) or empty (node disk)
     * @param sizeLimit {@code sizeLimit} of each of the two volumes, a Kubernetes quantity (e.g.
     *                  {@code 256Mi}); empty means no limit
     */
    public record TaskWorkdir(@DefaultValue("Memory") String medium,
                              @DefaultValue("256Mi") String sizeLimit) {

        public static final String MEMORY = "Memory";

        public TaskWorkdir {
            medium = medium == null ? "" : medium;
            sizeLimit = sizeLimit == null ? "" : sizeLimit;
            if (!medium.isEmpty() && !MEMORY.equals(medium)) {
                throw new IllegalArgumentException("waldiez.operator.task-workdir.medium must be \"" + MEMORY
                        + "\" (tmpfs) or \"\" (node disk), not \"" + medium + "\"");
            }
            if (!sizeLimit.isEmpty()) {
                String message = "waldiez.operator.task-workdir.size-limit must be a positive Kubernetes quantity"
                        + " such as 256Mi or 1Gi, or \"\" for no limit, not \"" + sizeLimit + "\"";
                BigDecimal bytes;
                try {
                    bytes = Quantity.getAmountInBytes(Quantity.parse(sizeLimit));
                } catch (ArithmeticException | IllegalArgumentException e) {
                    // fabric8's own messages (NumberFormatException included) name neither the property nor the value
                    throw new IllegalArgumentException(message, e);
                }
                if (bytes.signum() <= 0) {
                    throw new IllegalArgumentException(message);
                }
            }
        }
    }

    /** Settings for tests and for code that builds them by hand. */
    public static OperatorSettings defaults(String redisUrl) {
        return new OperatorSettings("waldiez/runner:latest", List.of(), redisUrl, "", "operator",
                Duration.ofSeconds(10), Duration.ofDays(7), Duration.ofDays(1), Duration.ofSeconds(60), 10,
                new LeaderElection(false, "waldiez-operator-lease", null), new TaskWorkdir(TaskWorkdir.MEMORY, "256Mi"));
    }

    public OperatorSettings withCancelGrace(Duration grace) {
        return new OperatorSettings(defaultImage, watchNamespaces, redisUrl, runnerRedisUrl, consumerName,
                grace, maxTtl, archiveWait, unknownTaskAckAfter, reconcileThreads, leaderElection, taskWorkdir);
    }

    public OperatorSettings withArchiveWait(Duration wait) {
        return new OperatorSettings(defaultImage, watchNamespaces, redisUrl, runnerRedisUrl, consumerName,
                cancelGrace, maxTtl, wait, unknownTaskAckAfter, reconcileThreads, leaderElection, taskWorkdir);
    }

    public OperatorSettings withTaskWorkdir(TaskWorkdir workdir) {
        return new OperatorSettings(defaultImage, watchNamespaces, redisUrl, runnerRedisUrl, consumerName,
                cancelGrace, maxTtl, archiveWait, unknownTaskAckAfter, reconcileThreads, leaderElection, workdir);
    }

    public OperatorSettings withWatchNamespaces(List<String> namespaces) {
        return new OperatorSettings(defaultImage, namespaces, redisUrl, runnerRedisUrl, consumerName,
                cancelGrace, maxTtl, archiveWait, unknownTaskAckAfter, reconcileThreads, leaderElection, taskWorkdir);
    }

    @Override
    public String toString() {
        // redisUrl may carry a password: never print it
        return "OperatorSettings[defaultImage=" + defaultImage + ", watchNamespaces=" + watchNamespaces
                + ", cancelGrace=" + cancelGrace
                + ", maxTtl=" + maxTtl + ", archiveWait=" + archiveWait + ", leaderElection=" + leaderElection
                + ", taskWorkdir=" + taskWorkdir + "]";
    }
}
