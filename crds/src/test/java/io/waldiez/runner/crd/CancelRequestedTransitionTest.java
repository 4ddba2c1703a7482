package io.waldiez.runner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * A cancel cannot be undone, whatever the update looks like. A real API server skips a transition
 * rule written on a field that the update removes (a JSON patch {@code remove}), so the rule must
 * hold on the parent (issue 11, item 5e); the validator evaluates transition rules the same way.
 */
class CancelRequestedTransitionTest {

    private static final CrdSchemaValidator VALIDATOR = new CrdSchemaValidator(CrdFiles.generatedCrd());

    @Test
    void settingItBackToFalseIsRefused() {
        assertThat(VALIDATOR.validateUpdate(task(true), task(false)))
                .anySatisfy(e -> assertThat(e).contains("cancelRequested cannot be set back to false"));
    }

    @Test
    void removingItWithAJsonPatchIsRefused() {
        ObjectNode removed = task(true);
        ((ObjectNode) removed.get("spec")).remove("cancelRequested"); // [{"op":"remove","path":"/spec/cancelRequested"}]
        assertThat(VALIDATOR.validateUpdate(task(true), removed))
                .anySatisfy(e -> assertThat(e).contains("cancelRequested cannot be set back to false"));
    }

    @Test
    void cancellingAndOtherUpdatesAreAccepted() {
        ObjectNode never = task(false);
        ((ObjectNode) never.get("spec")).remove("cancelRequested");
        assertThat(VALIDATOR.validateUpdate(never, task(true))).isEmpty();
        assertThat(VALIDATOR.validateUpdate(task(false), task(true))).isEmpty();
        assertThat(VALIDATOR.validateUpdate(task(true), task(true))).isEmpty();
        assertThat(VALIDATOR.validateUpdate(task(false), never)).isEmpty();
        assertThat(VALIDATOR.validateUpdate(never, never)).isEmpty();
    }

    private static ObjectNode task(boolean cancelRequested) {
        JsonNode node = CrdFiles.YAML.createObjectNode()
                .put("apiVersion", WaldiezTask.GROUP + "/" + WaldiezTask.VERSION).put("kind", WaldiezTask.KIND);
        ObjectNode task = (ObjectNode) node;
        task.putObject("metadata").put("name", "t1");
        ObjectNode spec = task.putObject("spec");
        spec.putObject("flow").putObject("configMapKeyRef").put("name", "f").put("key", "flow.waldiez");
        spec.put("cancelRequested", cancelRequested);
        return task;
    }
}
