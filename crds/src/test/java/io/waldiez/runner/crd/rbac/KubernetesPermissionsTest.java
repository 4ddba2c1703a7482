package io.waldiez.runner.crd.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Least privilege in the shape the chart renders. Exactness against the operator's real API
 * calls is checked in the operator module (OperatorPermissionsTest).
 */
class KubernetesPermissionsTest {

    @Test
    void noWildcardsAndNoSecretAccessForTheOperator() {
        for (PolicyRule rule : KubernetesPermissions.operator(true)) {
            assertThat(rule.verbs()).doesNotContain("*");
            assertThat(rule.resources()).doesNotContain("*", "secrets");
            assertThat(rule.apiGroups()).doesNotContain("*");
        }
        for (PolicyRule rule : KubernetesPermissions.API_SERVER) {
            assertThat(rule.verbs()).doesNotContain("*");
            assertThat(rule.resources()).doesNotContain("*", "pods", "jobs");
        }
    }

    @Test
    void theOperatorMaySetBlockOwnerDeletionOnItsTasks() {
        // OwnerReferencesPermissionEnforcement refuses the Job otherwise (issue 11, 5c)
        assertThat(KubernetesPermissions.OPERATOR).contains(PolicyRule.of("waldiez.io", "waldieztasks/finalizers", "update"));
    }

    @Test
    void leaseRuleOnlyWithLeaderElection() {
        assertThat(KubernetesPermissions.operator(false)).isEqualTo(KubernetesPermissions.OPERATOR);
        assertThat(KubernetesPermissions.operator(true)).containsAll(KubernetesPermissions.OPERATOR)
                .containsAll(KubernetesPermissions.OPERATOR_LEADER_ELECTION)
                .hasSize(KubernetesPermissions.OPERATOR.size() + 1);
    }

    @Test
    void rulesAreNormalisedForComparison() {
        PolicyRule rule = new PolicyRule(List.of("batch"), List.of("jobs"), List.of("watch", "create", "list"));
        assertThat(rule.verbs()).containsExactly("create", "list", "watch");
        assertThat(KubernetesPermissions.API_SERVER).anySatisfy(r -> {
            assertThat(r.resources()).containsExactly("waldieztasks");
            assertThat(r.verbs()).contains("create", "patch", "delete", "watch");
        });
    }
}
