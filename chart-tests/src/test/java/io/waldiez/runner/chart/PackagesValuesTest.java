package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * runner.packages.* reaches the operator as waldiez.operator.packages.* (flows' own packages,
 * docs/packages.md); the names are the ones OperatorSettingsBindingTest binds in the operator module.
 */
class PackagesValuesTest {

    @Test
    void onWithoutASharedCacheByDefault() {
        assertThat(TaskWorkdirTest.operatorSettings(ChartFixture.render("default")))
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_ENABLED", "true")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_CACHE_CLAIM", "")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_BUILD_TIMEOUT", "10m")
                .doesNotContainKey("WALDIEZ_OPERATOR_PACKAGES_INDEX_URL_SECRET_NAME");
    }

    @Test
    void aSharedCacheAPrivateIndexAndItsEgressReachTheOperatorAndThePolicy() {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("runner.packages.cacheClaim", "waldiez-packages");
        sets.put("runner.packages.indexUrl", "https://mirror.internal/simple");
        sets.put("runner.packages.indexUrlSecret.name", "pip-index");
        sets.put("runner.packages.deny[0]", "evil*");
        sets.put("runner.packages.deny[1]", "bad-pkg");
        sets.put("runner.packages.onlyBinary", "true");
        sets.put("runner.packages.indexEgress[0].cidr", "10.20.0.0/16");
        sets.put("runner.packages.indexEgress[0].ports[0].port", "443");
        ChartFixture.Rendered rendered = ChartFixture.render("default", sets);
        assertThat(TaskWorkdirTest.operatorSettings(rendered))
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_CACHE_CLAIM", "waldiez-packages")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_INDEX_URL", "https://mirror.internal/simple")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_INDEX_URL_SECRET_NAME", "pip-index")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_INDEX_URL_SECRET_KEY", "url")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_DENY", "evil*,bad-pkg")
                .containsEntry("WALDIEZ_OPERATOR_PACKAGES_ONLY_BINARY", "true");
        NetworkPolicy tasks = ValueSetsTest.taskPolicies(rendered).get(0);
        assertThat(tasks.getSpec().getEgress()).anyMatch(rule -> rule.getTo().stream()
                .anyMatch(peer -> peer.getIpBlock() != null && "10.20.0.0/16".equals(peer.getIpBlock().getCidr())));
    }

    @Test
    void anIndexUrlWithCredentialsIsRefused() {
        assertThatThrownBy(() -> ChartFixture.render("default",
                Map.of("runner.packages.indexUrl", "https://user:pw@mirror.internal/simple")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("runner.packages.indexUrl");
    }
}
