package io.waldiez.runner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Helm chart must ship exactly the CRD the build generates from the Java types. */
class CrdChartCopyTest {

    @Test
    void chartCopyEqualsGeneratedCrd() {
        Path chartCopy = CrdFiles.repoRoot().resolve("helm/waldiez-runner/crds").resolve(WaldiezTask.CRD_FILE);
        assertThat(chartCopy).as("the build copies the CRD into the chart (crds/pom.xml)").exists();
        JsonNode inChart = CrdFiles.readYaml(chartCopy);
        assertThat(inChart)
                .as("helm/waldiez-runner/crds/%s differs from the generated CRD: rebuild the crds module, never edit it by hand",
                        WaldiezTask.CRD_FILE)
                .isEqualTo(CrdFiles.generatedCrd());
        assertThat(Files.isRegularFile(chartCopy)).isTrue();
    }
}
