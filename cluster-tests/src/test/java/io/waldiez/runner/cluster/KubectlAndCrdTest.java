package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waldiez.runner.crd.TaskPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a kubectl user sees, against the real API server: the chart's CRD with its schema, CEL
 * rules, printer columns and descriptions; the examples; RBAC for a user without rights.
 */
class KubectlAndCrdTest {

    static final String NS = ChartRelease.NAMESPACE;

    /** Expected words in the refusal of each invalid example (the API server's own messages). */
    static final Map<String, String> INVALID = Map.of(
            "both-flow-sources.yaml", "exactly one of flow.configMapKeyRef or flow.inline must be set",
            "no-flow-source.yaml", "exactly one of flow.configMapKeyRef or flow.inline must be set",
            "missing-flow.yaml", "spec.flow: Required value",
            "negative-backoff-limit.yaml", "spec.backoffLimit",
            "input-timeout-too-long.yaml", "spec.inputTimeoutSeconds",
            "wrong-types.yaml", "cancelRequested",
            "configmap-ref-without-key.yaml", "key: Required value",
            "unknown-field.yaml", "timeoutSeconds");

    @BeforeAll
    static void install() {
        ChartRelease.ensureInstalled();
    }

    @Test
    void everyExampleIsAcceptedAndEveryInvalidOneRefusedWithItsMessage() throws IOException {
        String ns = "wt-examples";
        Cluster.kubectl("create", "namespace", ns);
        try (Stream<Path> files = Files.list(Cluster.REPO.resolve("examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Cluster.kubectl("-n", ns, "apply", "--dry-run=server", "-f", f.toString()).ok();
            }
        }
        try (Stream<Path> files = Files.list(Cluster.REPO.resolve("examples/invalid"))) {
            List<Path> invalid = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(invalid).hasSize(INVALID.size());
            for (Path f : invalid) {
                Cluster.Run r = Cluster.kubectl("-n", ns, "apply", "--dry-run=server", "-f", f.toString());
                assertThat(r.exit()).as("%s is refused", f.getFileName()).isNotZero();
                assertThat(r.err()).as(f.getFileName().toString()).contains(INVALID.get(f.getFileName().toString()));
            }
        }
    }

    @Test
    void getShowsTheDocumentedColumnsAndExplainTheDescriptions() {
        Tasks.create(NS, "columns", "valid.waldiez", s -> { });
        String header = Cluster.kubectl("-n", NS, "get", "wt", "columns").ok().out().lines().findFirst().orElseThrow();
        assertThat(header.trim().split("\\s+")).containsExactly("NAME", "PHASE", "REASON", "STARTED", "COMPLETED", "AGE");
        // OpenAPI publishing lags the CRD by a moment
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Cluster.kubectl("explain", "waldieztask").ok().out())
                .contains("One run of a Waldiez flow").contains("What to run").contains("Observed state"));
        assertThat(Cluster.kubectl("explain", "waldieztask.spec.pendingDeadlineSeconds").ok().out())
                .contains("PendingDeadlineExceeded");
        Tasks.awaitPhase(NS, "columns", TaskPhase.Succeeded, "Completed");
        String row = Cluster.kubectl("-n", NS, "get", "wt", "columns", "--no-headers").ok().out();
        assertThat(row).contains("Succeeded", "Completed");
        // describe shows the status and the operator's Events (refused by the API server before
        // the Event name prefix was fixed)
        String describe = Cluster.kubectl("-n", NS, "describe", "wt", "columns").ok().out();
        assertThat(describe).contains("Phase:", "Succeeded", "Events:", "JobCreated");
    }

    @Test
    void aCancelCannotBeUndoneNotEvenByAJsonPatchThatRemovesTheField() {
        Tasks.create(NS, "cancel-rule", "dummy_with_input.waldiez", s -> s.setCancelRequested(true));
        Cluster.Run back = Cluster.kubectl("-n", NS, "patch", "wt", "cancel-rule", "--type", "merge",
                "-p", "{\"spec\":{\"cancelRequested\":false}}");
        assertThat(back.exit()).isNotZero();
        assertThat(back.err()).contains("cancelRequested cannot be set back to false");
        Cluster.Run removed = Cluster.kubectl("-n", NS, "patch", "wt", "cancel-rule", "--type", "json",
                "-p", "[{\"op\":\"remove\",\"path\":\"/spec/cancelRequested\"}]");
        assertThat(removed.exit()).as("remove refused: %s", removed.out()).isNotZero();
        assertThat(removed.err()).contains("cancelRequested cannot be set back to false");
        Tasks.awaitPhase(NS, "cancel-rule", TaskPhase.Cancelled, "Cancelled");
    }

    @Test
    void aUserWithoutRightsIsRefused() {
        Cluster.Run r = Cluster.kubectlAs(Cluster.NOBODY, null, "-n", NS, "get", "wt");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Forbidden").contains("waldieztasks");
        Cluster.Run create = Cluster.kubectlAs(Cluster.NOBODY, null, "-n", NS, "apply", "-f",
                Cluster.REPO.resolve("examples/task-inline-flow.yaml").toString());
        assertThat(create.exit()).isNotZero();
        assertThat(create.err()).contains("forbidden");
    }
}
