package io.waldiez.runner.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.assertj.core.api.Assertions.assertThat;

class ChartLintTest {

    @Test
    void helmLintPassesInStrictMode() {
        LintResult result = new Helm(ChartFixture.chartDir()).lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void everyValueSetRenders(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);

        assertThat(rendered.objects()).as("objects rendered for %s", valueSet).isNotEmpty();
        assertThat(rendered.objects()).allSatisfy(o -> assertThat(o.getMetadata().getName()).isNotBlank());
    }
}
