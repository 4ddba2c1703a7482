package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against the real API server, Job controller, kubelet and runner image: what the
 * mock server accepted and a real cluster refuses (issue 11, item 5) and the failure modes that
 * need a real kubelet.
 */
class OperatorOnRealClusterTest {

    static final String NS = ChartRelease.NAMESPACE;

    @BeforeAll
    static void install() {
        ChartRelease.ensureInstalled();
    }

    @Test
    void aQuotaRefusedJobShowsWhyIsRetriedAndRunsOnceTheQuotaIsLifted() {
        String ns = ChartRelease.QUOTA_NAMESPACE;
        Cluster.client().resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata()
                .withName("no-jobs").endMetadata().withNewSpec().withHard(Map.of("count/jobs.batch", new Quantity("0")))
                .endSpec().build()).create();
        Tasks.create(ns, "quota", "valid.waldiez", s -> { });
        WaldiezTaskStatus refused = Tasks.awaitPhase(ns, "quota", TaskPhase.Pending, "JobRefused");
        assertThat(refused.getMessage()).contains("exceeded quota");
        assertThat(refused.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("JobCreated");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Forbidden");
        });
        assertThat(Cluster.kubectl("-n", ns, "get", "wt", "quota", "--no-headers").ok().out()).contains("Pending", "JobRefused");
        assertThat(Cluster.kubectl("-n", ns, "get", "events", "--field-selector", "involvedObject.name=quota").ok().out())
                .contains("JobRefused");
        // a second task gives up at its pending deadline, with the API's reason
        Tasks.create(ns, "quota-deadline", "valid.waldiez", s -> s.setPendingDeadlineSeconds(10));
        WaldiezTaskStatus failed = Tasks.awaitPhase(ns, "quota-deadline", TaskPhase.Failed, "JobRefused");
        assertThat(failed.getMessage()).contains("exceeded quota", "pendingDeadlineSeconds");
        // lifted: the operator's own retry (at most 30 s apart) creates the Job, no 10-minute resync
        Cluster.client().resourceQuotas().inNamespace(ns).withName("no-jobs").delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> Cluster.client().batch().v1().jobs().inNamespace(ns)
                .withName("wt-quota").get() != null);
        Tasks.awaitPhase(ns, "quota", TaskPhase.Succeeded, "Completed");
    }

    @Test
    void theJobBlocksOwnerDeletionUnderOwnerReferencesPermissionEnforcementAndDeletionCascades() {
        Tasks.create(NS, "cascade", "dummy_with_input.waldiez", s -> s.setInputTimeoutSeconds(600));
        Tasks.awaitPhase(NS, "cascade", TaskPhase.WaitingForInput, "InputRequested");
        Job job = Cluster.client().batch().v1().jobs().inNamespace(NS).withName("wt-cascade").get();
        assertThat(job.getMetadata().getOwnerReferences()).anySatisfy(r -> {
            assertThat(r.getKind()).isEqualTo("WaldiezTask");
            assertThat(r.getBlockOwnerDeletion()).isTrue();
        });
        // the runner prints the conversation readably
        assertThat(Cluster.kubectl("-n", NS, "logs", "job/wt-cascade").ok().out()).isNotBlank();
        Cluster.kubectl("-n", NS, "delete", "wt", "cascade", "--wait=true", "--timeout=120s").ok();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            assertThat(Cluster.client().batch().v1().jobs().inNamespace(NS).withName("wt-cascade").get()).isNull();
            assertThat(Cluster.client().pods().inNamespace(NS).withLabel("job-name", "wt-cascade").list().getItems()).isEmpty();
        });
    }

    @Test
    void anImageThatDoesNotExistHitsThePendingDeadline() {
        Tasks.create(NS, "no-image", "valid.waldiez", s -> {
            s.setImage("localhost/waldiez-cluster/does-not-exist:1");
            s.setPendingDeadlineSeconds(20);
        });
        WaldiezTaskStatus s = Tasks.awaitPhase(NS, "no-image", TaskPhase.Failed, "PendingDeadlineExceeded");
        assertThat(s.getMessage()).containsAnyOf("ErrImagePull", "ImagePullBackOff");
        await().atMost(Duration.ofMinutes(1)).until(() ->
                Cluster.client().batch().v1().jobs().inNamespace(NS).withName("wt-no-image").get() == null);
    }

    @Test
    void aRunnerOverItsMemoryLimitIsOomKilled() {
        Tasks.create(NS, "oom", "valid.waldiez", s -> s.setResources(new ResourceRequirementsBuilder()
                .withLimits(Map.of("memory", new Quantity("40Mi"))).build()));
        Tasks.awaitPhase(NS, "oom", TaskPhase.Failed, "OOMKilled");
    }

    @Test
    void aRunLongerThanItsDeadlineFails() {
        Tasks.create(NS, "deadline", "dummy_with_input.waldiez", s -> {
            s.setActiveDeadlineSeconds(20L);
            s.setInputTimeoutSeconds(600);
        });
        Tasks.awaitPhase(NS, "deadline", TaskPhase.Failed, "DeadlineExceeded");
    }
}
