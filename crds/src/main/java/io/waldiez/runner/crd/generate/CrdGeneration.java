package io.waldiez.runner.crd.generate;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import java.io.File;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the WaldiezTask CRD (run by the build at process-classes). fabric8's generator, plus two
 * things it does not do on its own: printer columns in the order the CR class declares them (it
 * sorts them by JSON path, so {@code kubectl get wt} showed AGE first) and descriptions on the
 * root, spec and status from {@link JsonClassDescription} (for {@code kubectl explain}).
 */
public final class CrdGeneration implements CRDPostProcessor {

    private CrdGeneration() {
    }

    public static void main(String[] args) {
        File dir = new File(args[0]);
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IllegalStateException("cannot create " + dir);
        }
        int written = new CRDGenerator().inOutputDir(dir).forCRDVersions("v1").withPostProcessor(new CrdGeneration())
                .customResourceClasses(WaldiezTask.class).generate();
        if (written != 1) {
            throw new IllegalStateException("expected one CRD, generated " + written);
        }
    }

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        for (CustomResourceDefinitionVersion version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
            version.setAdditionalPrinterColumns(inDeclaredOrder(version.getAdditionalPrinterColumns()));
            JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
            describe(root, WaldiezTask.class);
            describe(root.getProperties().get("spec"), WaldiezTaskSpec.class);
            describe(root.getProperties().get("status"), WaldiezTaskStatus.class);
        }
        return crd;
    }

    static List<CustomResourceColumnDefinition> inDeclaredOrder(List<CustomResourceColumnDefinition> columns) {
        List<String> declared = Arrays.stream(WaldiezTask.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::jsonPath).toList();
        if (!columns.stream().map(CustomResourceColumnDefinition::getJsonPath).allMatch(declared::contains)) {
            throw new IllegalStateException("declare every printer column on WaldiezTask with @AdditionalPrinterColumn");
        }
        return columns.stream().sorted(Comparator.comparingInt(c -> declared.indexOf(c.getJsonPath()))).toList();
    }

    private static void describe(JSONSchemaProps schema, Class<?> type) {
        JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
        if (schema != null && description != null && (schema.getDescription() == null || schema.getDescription().isBlank())) {
            schema.setDescription(description.value());
        }
    }
}
