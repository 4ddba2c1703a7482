package io.waldiez.runner.chart;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart ships the CRD the crds module generates from the Java types, unchanged: the packaged
 * chart (what `helm install` gets) is read back through Helm itself (`helm show crds`).
 */
class CrdTest {

    static final String CRD_FILE = "waldieztasks.waldiez.io-v1.yml";

    static Path generatedCrd() {
        Path generated = ChartFixture.repoRoot().resolve("crds/target/classes/META-INF/fabric8/" + CRD_FILE);
        assertThat(generated)
                .as("the generated CRD; build it with: mvn -pl crds -am process-classes (part of -am test)")
                .isRegularFile();
        return generated;
    }

    static Path chartCrd() {
        Path inChart = ChartFixture.chartDir().resolve("crds/" + CRD_FILE);
        assertThat(inChart)
                .as("the chart's copy of the CRD; the crds module's build puts it there (mvn -pl crds package)")
                .isRegularFile();
        return inChart;
    }

    static CustomResourceDefinition parseCrd(String yaml) {
        List<HasMetadata> objects = ChartFixture.parse(yaml);
        assertThat(objects).hasSize(1).first().isInstanceOf(CustomResourceDefinition.class);
        return (CustomResourceDefinition) objects.get(0);
    }

    @Test
    void thePackagedChartShipsExactlyTheGeneratedCrd(@TempDir Path out) throws IOException {
        CustomResourceDefinition generated = parseCrd(Files.readString(generatedCrd()));
        chartCrd();

        Helm packaged = new Helm(ChartFixture.chartDir()).packageIt().withDestination(out).call();
        String shipped = packaged.show().crds().call();

        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString()
                    .startsWith("waldiez-runner-").endsWith(".tgz");
        }
        assertThat(parseCrd(shipped)).isEqualTo(generated);
    }

    @Test
    void theShippedCrdIsTheWaldiezTaskApiKubectlUsersExpect() throws IOException {
        CustomResourceDefinition crd = parseCrd(Files.readString(chartCrd()));

        assertThat(crd.getMetadata().getName()).isEqualTo("waldieztasks.waldiez.io");
        assertThat(crd.getSpec().getGroup()).isEqualTo("waldiez.io");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("WaldiezTask");
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("waldieztasks");
        assertThat(crd.getSpec().getNames().getShortNames()).contains("wt");
        CustomResourceDefinitionVersion v1alpha1 = crd.getSpec().getVersions().stream()
                .filter(v -> v.getName().equals("v1alpha1")).findFirst().orElseThrow();
        assertThat(v1alpha1.getServed()).isTrue();
        assertThat(v1alpha1.getStorage()).isTrue();
        assertThat(v1alpha1.getSubresources().getStatus()).as("status subresource").isNotNull();
    }

    @Test
    void theCrdIsNotTemplatedSoUninstallNeverDeletesTasks() {
        // Helm installs crds/ once and never deletes or upgrades them; a templated CRD would be deleted
        // (with every WaldiezTask) on uninstall.
        for (String valueSet : ChartFixture.VALUE_SETS) {
            assertThat(ChartFixture.render(valueSet).all(CustomResourceDefinition.class)).as(valueSet).isEmpty();
        }
    }
}
