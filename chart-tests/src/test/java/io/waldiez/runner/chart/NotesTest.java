package io.waldiez.runner.chart;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import org.junit.jupiter.api.Test;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static io.waldiez.runner.chart.ChartFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

/** NOTES.txt, as `helm install` prints it, gives commands that name this release's objects. */
class NotesTest {

    static String notes(String valueSet) {
        FakeKubernetesApi.get();
        var install = new Helm(ChartFixture.chartDir()).install()
                .withName(ChartFixture.RELEASE)
                .withNamespace(NAMESPACE)
                .dryRun()
                .withDryRunOption(DryRun.CLIENT)
                .clientOnly();
        if (!"default".equals(valueSet)) {
            install = install.withValuesFile(ChartFixture.valuesFile(valueSet));
        }
        Release release = install.call();
        // Kept next to the rendered manifests for people reading a failure.
        try {
            java.nio.file.Path out = java.nio.file.Paths.get("target", "rendered", valueSet + "-install-output.txt");
            java.nio.file.Files.createDirectories(out.getParent());
            java.nio.file.Files.writeString(out, release.getOutput());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return release.getOutput();
    }

    @Test
    void quickStartNotesNameTheDeploymentsTheSecretAndTheInChartServices() {
        String notes = notes("default");

        assertThat(notes)
                .contains("kubectl -n " + NAMESPACE + " rollout status deployment/" + FULLNAME + "-operator")
                .contains("kubectl -n " + NAMESPACE + " rollout status deployment/" + FULLNAME + "-api-server")
                .contains("port-forward svc/" + FULLNAME + "-api-server 8000:8000")
                .contains("Secret " + FULLNAME + "-auth")
                .contains("single instances for trying")
                .contains("every namespace");
    }

    @Test
    void ingressNotesGiveTheHttpsUrlAndNamespacedNotesTheNamespaces() {
        assertThat(notes("ingress-tls")).contains("https://waldiez.example.com/health").doesNotContain("port-forward");
        assertThat(notes("namespaced")).contains("namespaces: team-a, team-b").contains("kubectl -n team-a get wt -w");
        assertThat(notes("external-services")).doesNotContain("single instances");
    }
}
