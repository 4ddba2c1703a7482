package io.waldiez.runner.crd.rbac;

import java.util.List;

/**
 * One RBAC rule, shaped like a Kubernetes {@code PolicyRule} (core API group is {@code ""}).
 *
 * @param apiGroups API groups
 * @param resources resources (with {@code /subresource} where needed)
 * @param verbs     verbs, sorted
 */
public record PolicyRule(List<String> apiGroups, List<String> resources, List<String> verbs) {
    public PolicyRule {
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        verbs = verbs.stream().sorted().toList();
    }

    static PolicyRule of(String apiGroup, String resource, String... verbs) {
        return new PolicyRule(List.of(apiGroup), List.of(resource), List.of(verbs));
    }
}
