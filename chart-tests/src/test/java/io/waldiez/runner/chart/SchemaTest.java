package io.waldiez.runner.chart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** values.schema.json stops wrong values at install time, with a message that names the value. */
class SchemaTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            apiServer.replicas                | abc          | apiServer.replicas: Invalid type. Expected: integer, given: string
            operator.replicas                 | abc          | operator.replicas: Invalid type. Expected: integer, given: string
            apiServer.launcherMode            | docker       | apiServer.launcherMode: apiServer.launcherMode must be one of the following: "kubernetes", "local"
            apiServer.service.port            | -1           | apiServer.service.port: Must be greater than or equal to 1
            operator.managementPort           | 70000        | operator.managementPort: Must be less than or equal to 65535
            watchNamespaces[0]                | Team_A       | watchNamespaces.0: Does not match pattern
            apiServer.ingress.hosts[0].paths[0].pathType | Regex | apiServer.ingress.hosts.0.paths.0.pathType: apiServer.ingress.hosts.0.paths.0.pathType must be one of the following
            operator.logLevel                 | LOUD         | operator.logLevel: operator.logLevel must be one of the following
            externalDatabase.url              | postgres://x | externalDatabase.url: Does not match pattern
            apiServer.replica                 | 2            | apiServer: Additional property replica is not allowed
            runner.networkPolicy.modelEndpoints[0].cidr | everywhere | runner.networkPolicy.modelEndpoints.0.cidr: Does not match pattern
            """)
    void wrongValuesAreRejectedWithAMessage(String key, String value, String message) {
        assertThatThrownBy(() -> ChartFixture.render("default", Map.of(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    @Test
    void moreThanOneOperatorNeedsLeaderElection() {
        assertThatThrownBy(() -> ChartFixture.render("default", Map.of("operator.replicas", "2")))
                .hasMessageContaining("operator.replicas: Must be less than or equal to 1");

        assertThat(ChartFixture.render("default", Map.of("operator.replicas", "2", "leaderElection.enabled", "true")).objects())
                .isNotEmpty();
    }

    @Test
    void anExternalDatabaseNeedsAUrlAndASecret() {
        assertThatThrownBy(() -> ChartFixture.render("default", Map.of("postgresql.enabled", "false")))
                .hasMessageContaining("externalDatabase.url: String length must be greater than or equal to 1")
                .hasMessageContaining("externalDatabase.existingSecret: String length must be greater than or equal to 1");
    }

    @Test
    void tasksTheApiServerCreatesMustBeInAWatchedNamespace() {
        assertThatThrownBy(() -> ChartFixture.render("namespaced", Map.of("apiServer.taskNamespace", "team-c")))
                .hasMessageContaining("apiServer.taskNamespace \"team-c\" is not in watchNamespaces [team-a team-b]");
        // The release namespace is not watched in that value set either, so the default fails too.
        assertThatThrownBy(() -> ChartFixture.render("namespaced", Map.of("apiServer.taskNamespace", "")))
                .hasMessageContaining("apiServer.taskNamespace \"waldiez\" is not in watchNamespaces");
    }

    @Test
    void anExternalRedisNeedsASecret() {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("redis.enabled", "false");
        assertThatThrownBy(() -> ChartFixture.render("default", sets))
                .hasMessageContaining("externalRedis.existingSecret: String length must be greater than or equal to 1");
    }
}
