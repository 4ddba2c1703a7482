package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * runner.workdir.* reaches the operator as waldiez.operator.task-workdir.* (the task pods' /work and /tmp
 * emptyDirs); the names are the ones OperatorSettingsBindingTest binds in the operator module.
 */
class TaskWorkdirTest {

    static Map<String, String> operatorSettings(ChartFixture.Rendered rendered) {
        return rendered.one(ConfigMap.class, FULLNAME + "-operator").getData();
    }

    @Test
    void memoryBackedAndCappedByDefault() {
        assertThat(operatorSettings(ChartFixture.render("default")))
                .containsEntry("WALDIEZ_OPERATOR_TASK_WORKDIR_MEDIUM", "Memory")
                .containsEntry("WALDIEZ_OPERATOR_TASK_WORKDIR_SIZE_LIMIT", "256Mi");
    }

    @Test
    void overriddenValuesReachTheOperator() {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("runner.workdir.medium", "");
        sets.put("runner.workdir.sizeLimit", "1Gi");
        assertThat(operatorSettings(ChartFixture.render("default", sets)))
                .containsEntry("WALDIEZ_OPERATOR_TASK_WORKDIR_MEDIUM", "")
                .containsEntry("WALDIEZ_OPERATOR_TASK_WORKDIR_SIZE_LIMIT", "1Gi");

        sets.put("runner.workdir.medium", "Memory");
        sets.put("runner.workdir.sizeLimit", "");
        assertThat(operatorSettings(ChartFixture.render("default", sets)))
                .containsEntry("WALDIEZ_OPERATOR_TASK_WORKDIR_MEDIUM", "Memory")
                .containsEntry("WALDIEZ_OPERATOR_TASK_WORKDIR_SIZE_LIMIT", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Disk", "memory", "HugePages"})
    void theSchemaRejectsAnotherMedium(String medium) {
        assertThatThrownBy(() -> ChartFixture.render("default", Map.of("runner.workdir.medium", medium)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("runner.workdir.medium: runner.workdir.medium must be one of the following");
    }

    @ParameterizedTest
    @ValueSource(strings = {"256MB", "lots", "0Mi", "-1Mi"})
    void theSchemaRejectsASizeLimitThatIsNoPositiveQuantity(String sizeLimit) {
        assertThatThrownBy(() -> ChartFixture.render("default", Map.of("runner.workdir.sizeLimit", sizeLimit)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("runner.workdir.sizeLimit: Does not match pattern");
    }
}
