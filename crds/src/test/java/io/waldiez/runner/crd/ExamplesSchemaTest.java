package io.waldiez.runner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kubectl-ready example is accepted by the generated CRD schema; every invalid one is rejected with a message. */
class ExamplesSchemaTest {

    private static final Path EXAMPLES = CrdFiles.repoRoot().resolve("examples");
    private static final CrdSchemaValidator VALIDATOR = new CrdSchemaValidator(CrdFiles.generatedCrd());

    /** Expected words in the rejection message of each invalid example. */
    private static final Map<String, String> EXPECTED = Map.of(
            "both-flow-sources.yaml", "exactly one of flow.configMapKeyRef or flow.inline",
            "no-flow-source.yaml", "exactly one of flow.configMapKeyRef or flow.inline",
            "missing-flow.yaml", "flow",
            "negative-backoff-limit.yaml", "backoffLimit",
            "input-timeout-too-long.yaml", "inputTimeoutSeconds",
            "wrong-types.yaml", "cancelRequested",
            "configmap-ref-without-key.yaml", "key",
            "unknown-field.yaml", "timeoutSeconds");

    static Stream<Arguments> validExamples() throws IOException {
        return tasksIn(EXAMPLES);
    }

    static Stream<Arguments> invalidExamples() throws IOException {
        return tasksIn(EXAMPLES.resolve("invalid"));
    }

    @ParameterizedTest(name = "{0} is accepted")
    @MethodSource("validExamples")
    void validExampleIsAccepted(String file, JsonNode task) {
        assertThat(VALIDATOR.validate(task)).as(file).isEmpty();
    }

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("invalidExamples")
    void invalidExampleIsRejectedWithAMessage(String file, JsonNode task) {
        List<String> errors = VALIDATOR.validate(task);
        assertThat(errors).as(file).isNotEmpty();
        assertThat(EXPECTED).as("every invalid example has an expected message").containsKey(file);
        assertThat(String.join("\n", errors)).as(file).contains(EXPECTED.get(file));
    }

    @Test
    void thereAreExamplesOfEachKind() throws IOException {
        assertThat(validExamples().count()).isGreaterThanOrEqualTo(3);
        assertThat(invalidExamples().count()).isEqualTo(EXPECTED.size());
    }

    /** The WaldiezTask documents of every YAML file in {@code dir} (ConfigMaps next to them are skipped). */
    private static Stream<Arguments> tasksIn(Path dir) throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = CrdFiles.YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && WaldiezTask.KIND.equals(doc.path("kind").asText())) {
                            out.add(Arguments.of(f.getFileName().toString(), doc));
                        }
                    }
                }
            }
        }
        return out.stream();
    }
}
