package io.waldiez.runner.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A key of a ConfigMap in the task's namespace that holds the .waldiez flow. */
public class FlowConfigMapKeyRef {

    @Required
    @JsonPropertyDescription("Name of the ConfigMap.")
    private String name;

    @Required
    @JsonPropertyDescription("Key holding the .waldiez JSON.")
    private String key;

    public FlowConfigMapKeyRef() {
    }

    public FlowConfigMapKeyRef(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowConfigMapKeyRef other && Objects.equals(name, other.name) && Objects.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key);
    }
}
