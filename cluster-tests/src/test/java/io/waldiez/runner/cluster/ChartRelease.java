package io.waldiez.runner.cluster;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The chart installed the way a user installs it (helm-java is Helm's own Go library): release
 * {@value #NAME} in namespace {@value #NAMESPACE}, cluster-wide operator with two replicas and
 * leader election, in-chart PostgreSQL and Redis, images from the tier. Installed once per test
 * JVM, by whichever test needs it first.
 */
final class ChartRelease {

    static final String NAME = "wr";
    static final String NAMESPACE = "waldiez";
    /** A second task namespace: the chart prepares it too (its NetworkPolicy). */
    static final String QUOTA_NAMESPACE = "wt-quota";
    static final String FULLNAME = NAME + "-waldiez-runner";
    private static boolean installed;
    static Duration installTime;

    private ChartRelease() {
    }

    static synchronized void ensureInstalled() {
        if (installed) {
            return;
        }
        for (String ns : new String[] {NAMESPACE, QUOTA_NAMESPACE}) {
            Cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .createOr(existing -> existing.update());
        }
        // a cluster kept running (WALDIEZ_CLUSTER_KEEP=1) still has the release of an earlier run
        if (Helm.list().withKubeConfig(Cluster.ADMIN).withNamespace(NAMESPACE).call().stream()
                .anyMatch(r -> NAME.equals(r.getName()))) {
            installed = true;
            return;
        }
        Instant start = Instant.now();
        Release release = new Helm(Cluster.REPO.resolve("helm/waldiez-runner")).install().withName(NAME)
                .withNamespace(NAMESPACE).withKubeConfig(Cluster.ADMIN).withValuesFile(values(2)).waitReady()
                .withTimeout(900).call();
        installTime = Duration.between(start, Instant.now());
        System.out.printf("helm install %s: %s in %d s%n", NAME, release.getStatus(), installTime.toSeconds());
        installed = true;
    }

    /** Values pointing at the tier's images; no PersistentVolumes (the node has no provisioner). */
    static Path values(int operatorReplicas) {
        return values(operatorReplicas, null);
    }

    /** With {@code onlyNamespace}: the operator watches and prepares that namespace only. */
    static Path values(int operatorReplicas, String onlyNamespace) {
        String namespaces = onlyNamespace == null ? "taskNamespaces: [" + NAMESPACE + ", " + QUOTA_NAMESPACE + "]"
                : "watchNamespaces: [" + onlyNamespace + "]\ntaskNamespaces: [" + onlyNamespace + "]";
        String yaml = """
                imageRegistry: ""
                %s
                leaderElection: {enabled: %s}
                operator:
                  replicas: %d
                  image: {repository: %s, tag: "%s", pullPolicy: Never}
                apiServer:
                  image: {repository: %s, tag: "%s", pullPolicy: Never}
                runner:
                  image: {repository: %s, tag: "%s"}
                postgresql:
                  image: {repository: %s, tag: "%s", pullPolicy: Never}
                  persistence: {enabled: false}
                redis:
                  image: {repository: %s, tag: "%s", pullPolicy: Never}
                  persistence: {enabled: false}
                """.formatted(namespaces, operatorReplicas > 1, operatorReplicas,
                repo("operator"), tag("operator"), repo("api-server"), tag("api-server"), repo("runner"), tag("runner"),
                repo("postgresql"), tag("postgresql"), repo("redis"), tag("redis"));
        try {
            Path file = Files.createTempFile("waldiez-values", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String repo(String image) {
        String ref = Cluster.image(image);
        return ref.substring(0, ref.lastIndexOf(':'));
    }

    static String tag(String image) {
        String ref = Cluster.image(image);
        return ref.substring(ref.lastIndexOf(':') + 1);
    }
}
