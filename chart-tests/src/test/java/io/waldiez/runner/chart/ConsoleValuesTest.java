package io.waldiez.runner.chart;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The web console is on by default in the chart and off with apiServer.console.enabled=false. */
class ConsoleValuesTest {

    private static Map<String, String> apiServerConfig(ChartFixture.Rendered rendered) {
        return rendered.one(ConfigMap.class, FULLNAME + "-api-server").getData();
    }

    @Test
    void onByDefault() {
        assertThat(apiServerConfig(ChartFixture.render("default"))).containsEntry("WALDIEZ_CONSOLE_ENABLED", "true");
    }

    @Test
    void offWithOneValue() {
        ChartFixture.Rendered rendered = ChartFixture.render("default", Map.of("apiServer.console.enabled", "false"));
        assertThat(apiServerConfig(rendered)).containsEntry("WALDIEZ_CONSOLE_ENABLED", "false");
    }
}
