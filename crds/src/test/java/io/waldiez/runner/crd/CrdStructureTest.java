package io.waldiez.runner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What kubectl users and the operator rely on in the generated CRD. */
class CrdStructureTest {

    private final JsonNode crd = CrdFiles.generatedCrd();
    private final JsonNode version = crd.at("/spec/versions/0");
    private final JsonNode spec = CrdFiles.openApiSchema(crd).at("/properties/spec");

    @Test
    void namesScopeAndStatusSubresource() {
        assertThat(crd.at("/metadata/name").asText()).isEqualTo("waldieztasks.waldiez.io");
        assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
        assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("wt");
        assertThat(crd.at("/spec/names/categories/0").asText()).isEqualTo("waldiez");
        assertThat(version.at("/name").asText()).isEqualTo("v1alpha1");
        assertThat(version.at("/subresources/status").isObject()).isTrue();
    }

    @Test
    void printerColumnsShowPhaseReasonTimesAndAge() {
        List<String> columns = new ArrayList<>();
        version.at("/additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText() + "=" + c.get("jsonPath").asText()));
        // kubectl shows them in this order (docs/operator.md); the generator alone sorts them by path
        assertThat(columns).containsExactly(
                "Phase=.status.phase", "Reason=.status.reason", "Started=.status.startTime",
                "Completed=.status.completionTime", "Age=.metadata.creationTimestamp");
    }

    @Test
    void everyFieldOfOurOwnTypesHasADescriptionForKubectlExplain() {
        JsonNode root = CrdFiles.openApiSchema(crd);
        List<String> missing = new ArrayList<>();
        collectMissingDescriptions(root, "waldieztask", missing);
        assertThat(missing).isEmpty();
    }

    /** Walks our own types; embedded Kubernetes core types (EnvVar, ResourceRequirements, Condition) are theirs. */
    private static void collectMissingDescriptions(JsonNode schema, String path, List<String> missing) {
        if (schema.path("description").asText("").isBlank()) {
            missing.add(path);
        }
        if (path.endsWith(".env") || path.endsWith(".envFrom") || path.endsWith(".resources")
                || path.endsWith(".conditions")) {
            return;
        }
        schema.path("properties").fields().forEachRemaining(
                e -> collectMissingDescriptions(e.getValue(), path + "." + e.getKey(), missing));
    }

    @Test
    void validationRequiredFieldsBoundsDefaultsAndExactlyOneFlow() {
        assertThat(spec.at("/required").toString()).contains("flow");
        assertThat(spec.at("/properties/backoffLimit/minimum").asInt()).isZero();
        assertThat(spec.at("/properties/backoffLimit/maximum").asInt()).isEqualTo(10);
        assertThat(spec.at("/properties/backoffLimit/default").asInt()).isZero();
        assertThat(spec.at("/properties/inputTimeoutSeconds/minimum").asInt()).isEqualTo(1);
        assertThat(spec.at("/properties/inputTimeoutSeconds/maximum").asInt()).isEqualTo(86400);
        assertThat(spec.at("/properties/inputTimeoutSeconds/default").asInt()).isEqualTo(180);
        assertThat(spec.at("/properties/pendingDeadlineSeconds/default").asInt()).isEqualTo(300);
        assertThat(spec.at("/properties/flow/x-kubernetes-validations/0/rule").asText())
                .isEqualTo("has(self.configMapKeyRef) != has(self.inline)");
        JsonNode phase = CrdFiles.openApiSchema(crd).at("/properties/status/properties/phase/enum");
        List<String> phases = new ArrayList<>();
        phase.forEach(p -> phases.add(p.asText()));
        assertThat(phases).containsExactlyInAnyOrder("Pending", "Queued", "Running", "WaitingForInput", "Succeeded",
                "Failed", "Cancelled");
    }

    @Test
    void secretsAreOnlyReferencedNeverEmbedded() {
        // env uses the core EnvVar shape, so valueFrom.secretKeyRef is available and no field holds secret data.
        assertThat(spec.at("/properties/env/items/properties/valueFrom/properties/secretKeyRef").isObject()).isTrue();
        assertThat(spec.at("/properties/envFrom/items/properties/secretRef").isObject()).isTrue();
    }
}
