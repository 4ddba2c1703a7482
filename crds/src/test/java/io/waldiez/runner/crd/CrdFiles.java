package io.waldiez.runner.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the generated CRD and repository files for the crds tests. */
final class CrdFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CrdFiles() {
    }

    static Path repoRoot() {
        String root = System.getProperty("waldiez.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }

    static JsonNode generatedCrd() {
        try (InputStream in = CrdFiles.class.getResourceAsStream(WaldiezTask.CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(WaldiezTask.CRD_RESOURCE + " is not on the classpath: run the build (process-classes)");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode openApiSchema(JsonNode crd) {
        return crd.at("/spec/versions/0/schema/openAPIV3Schema");
    }
}
