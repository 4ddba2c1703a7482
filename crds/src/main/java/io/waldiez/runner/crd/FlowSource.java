package io.waldiez.runner.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where the flow comes from: exactly one of a ConfigMap key or an inline .waldiez document. */
@ValidationRule(value = "has(self.configMapKeyRef) != has(self.inline)",
        message = "exactly one of flow.configMapKeyRef or flow.inline must be set")
public class FlowSource {

    @JsonPropertyDescription("The flow is the value of this ConfigMap key (preferred for large flows).")
    private FlowConfigMapKeyRef configMapKeyRef;

    @JsonPropertyDescription("The .waldiez JSON itself; the operator stores it in an owned ConfigMap.")
    private String inline;

    public FlowSource() {
    }

    public static FlowSource ofConfigMap(String name, String key) {
        FlowSource f = new FlowSource();
        f.setConfigMapKeyRef(new FlowConfigMapKeyRef(name, key));
        return f;
    }

    public static FlowSource ofInline(String json) {
        FlowSource f = new FlowSource();
        f.setInline(json);
        return f;
    }

    /** The same rule as the CEL rule above, for the operator (the API server may not enforce CEL). */
    @JsonIgnore
    public boolean isExactlyOne() {
        return (configMapKeyRef != null) != (inline != null);
    }

    public FlowConfigMapKeyRef getConfigMapKeyRef() {
        return configMapKeyRef;
    }

    public void setConfigMapKeyRef(FlowConfigMapKeyRef configMapKeyRef) {
        this.configMapKeyRef = configMapKeyRef;
    }

    public String getInline() {
        return inline;
    }

    public void setInline(String inline) {
        this.inline = inline;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowSource other && Objects.equals(configMapKeyRef, other.configMapKeyRef)
                && Objects.equals(inline, other.inline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(configMapKeyRef, inline);
    }
}
