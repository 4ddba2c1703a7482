package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The environment variable names the chart's operator ConfigMap uses bind to the settings as
 * Spring binds them in the deployed operator (relaxed binding of a nested record component).
 */
class OperatorSettingsBindingTest {

    static OperatorSettings bind(Map<String, Object> env) {
        var source = new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env);
        return new Binder(ConfigurationPropertySources.from(source)).bindOrCreate("waldiez.operator", OperatorSettings.class);
    }

    @Test
    void taskWorkdirDefaultsToACappedMemoryVolume() {
        assertThat(bind(Map.of()).taskWorkdir()).isEqualTo(new OperatorSettings.TaskWorkdir("Memory", "256Mi"));
    }

    @Test
    void theChartsEnvironmentNamesBind() {
        assertThat(bind(Map.of("WALDIEZ_OPERATOR_TASK_WORKDIR_MEDIUM", "",
                "WALDIEZ_OPERATOR_TASK_WORKDIR_SIZE_LIMIT", "1Gi")).taskWorkdir())
                .isEqualTo(new OperatorSettings.TaskWorkdir("", "1Gi"));
        assertThat(bind(Map.of("WALDIEZ_OPERATOR_TASK_WORKDIR_MEDIUM", "Memory",
                "WALDIEZ_OPERATOR_TASK_WORKDIR_SIZE_LIMIT", "")).taskWorkdir())
                .isEqualTo(new OperatorSettings.TaskWorkdir("Memory", ""));
    }

    @Test
    void theChartsPackagesNamesBind() {
        PackagesSettings p = bind(Map.of("WALDIEZ_OPERATOR_PACKAGES_ENABLED", "true",
                "WALDIEZ_OPERATOR_PACKAGES_CACHE_CLAIM", "waldiez-packages",
                "WALDIEZ_OPERATOR_PACKAGES_INDEX_URL", "https://mirror.internal/simple",
                "WALDIEZ_OPERATOR_PACKAGES_INDEX_URL_SECRET_NAME", "pip-index",
                "WALDIEZ_OPERATOR_PACKAGES_INDEX_URL_SECRET_KEY", "url",
                "WALDIEZ_OPERATOR_PACKAGES_EXTRA_INDEX_URLS", "",
                "WALDIEZ_OPERATOR_PACKAGES_ONLY_BINARY", "true",
                "WALDIEZ_OPERATOR_PACKAGES_DENY", "evil*,bad-pkg",
                "WALDIEZ_OPERATOR_PACKAGES_MAX_ENVIRONMENT_SIZE", "1GB",
                "WALDIEZ_OPERATOR_PACKAGES_BUILD_TIMEOUT", "5m")).packages();
        assertThat(p.shared()).isTrue();
        assertThat(p.cacheClaim()).isEqualTo("waldiez-packages");
        assertThat(p.indexUrlSecretName()).isEqualTo("pip-index");
        assertThat(p.extraIndexUrls()).isEmpty();
        assertThat(p.deny()).containsExactly("evil*", "bad-pkg");
        assertThat(p.onlyBinary()).isTrue();
        assertThat(p.maxEnvironmentSize().toMegabytes()).isEqualTo(1024);
        assertThat(p.buildTimeout()).hasMinutes(5);
        assertThat(bind(Map.of()).packages()).isEqualTo(PackagesSettings.defaults());
    }

    @Test
    void aWrongValueStopsTheBindingWithTheMessage() {
        assertThatThrownBy(() -> bind(Map.of("WALDIEZ_OPERATOR_TASK_WORKDIR_MEDIUM", "Disk")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage("waldiez.operator.task-workdir.medium must be \"Memory\" (tmpfs) or \"\" (node disk),"
                        + " not \"Disk\"");
    }
}
