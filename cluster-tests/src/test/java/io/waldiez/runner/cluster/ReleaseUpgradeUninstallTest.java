package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.waldiez.runner.crd.TaskPhase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The release's life after the scenarios (run.sh runs this class last, on its own): helm upgrade,
 * helm uninstall (what stays, on purpose), then a namespace-scoped install that reconciles only
 * its own namespace.
 */
class ReleaseUpgradeUninstallTest {

    @Test
    void upgradeThenUninstallThenANamespaceScopedInstall() {
        ChartRelease.ensureInstalled();
        String ns = ChartRelease.NAMESPACE;
        Helm chart = new Helm(Cluster.REPO.resolve("helm/waldiez-runner"));

        Release upgraded = chart.upgrade().withName(ChartRelease.NAME).withNamespace(ns).withKubeConfig(Cluster.ADMIN)
                .withValuesFile(ChartRelease.values(2)).set("operator.logLevel", "DEBUG").waitReady().withTimeout(600).call();
        assertThat(upgraded.getRevision()).isEqualTo("2");
        Tasks.create(ns, "after-upgrade", "valid.waldiez", s -> { });
        Tasks.awaitPhase(ns, "after-upgrade", TaskPhase.Succeeded, "Completed");

        Helm.uninstall(ChartRelease.NAME).withNamespace(ns).withKubeConfig(Cluster.ADMIN).call();
        await().atMost(Duration.ofMinutes(2)).until(() -> Cluster.client().apps().deployments().inNamespace(ns).list()
                .getItems().isEmpty());
        // kept on purpose (docs/operations.md, Uninstall): the CRD, the tasks, the generated Secrets
        assertThat(Cluster.client().apiextensions().v1().customResourceDefinitions().withName("waldieztasks.waldiez.io").get())
                .isNotNull();
        assertThat(Tasks.get(ns, "after-upgrade")).isNotNull();
        assertThat(Cluster.client().secrets().inNamespace(ns).withName(ChartRelease.FULLNAME + "-auth").get()).isNotNull();

        // namespace-scoped: Roles in team-a only; a task elsewhere is not touched
        String team = "team-a";
        Cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(team).endMetadata().build())
                .createOr(n -> n.update());
        new Helm(Cluster.REPO.resolve("helm/waldiez-runner")).install().withName("wt").withNamespace(team)
                .withKubeConfig(Cluster.ADMIN).withValuesFile(ChartRelease.values(1, team)).waitReady().withTimeout(600).call();
        assertThat(Cluster.client().rbac().clusterRoleBindings().list().getItems())
                .noneMatch(b -> b.getMetadata().getName().startsWith("wt-waldiez-runner-operator"));
        Tasks.create(team, "scoped", "valid.waldiez", s -> { });
        Tasks.create(ns, "not-watched", "valid.waldiez", s -> { });
        Tasks.awaitPhase(team, "scoped", TaskPhase.Succeeded, "Completed");
        assertThat(Tasks.get(ns, "not-watched").getStatus()).isNull();
        Helm.uninstall("wt").withNamespace(team).withKubeConfig(Cluster.ADMIN).call();
    }
}
