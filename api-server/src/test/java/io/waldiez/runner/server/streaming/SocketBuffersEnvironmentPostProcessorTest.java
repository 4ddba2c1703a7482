package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Tomcat's per-WebSocket buffer size comes from waldiez.streaming.io-buffer-size, unless given as its system property. */
class SocketBuffersEnvironmentPostProcessorTest {

    private static final String PROP = SocketBuffersEnvironmentPostProcessor.TOMCAT_WS_BUFFER;
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(PROP);
        System.clearProperty(PROP);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(PROP);
        } else {
            System.setProperty(PROP, saved);
        }
    }

    @Test
    void theSettingBecomesTomcatsSystemPropertyInBytes() {
        new SocketBuffersEnvironmentPostProcessor().postProcessEnvironment(
                new MockEnvironment().withProperty("waldiez.streaming.io-buffer-size", "4KB"), null);
        assertThat(System.getProperty(PROP)).isEqualTo("4096");
    }

    @Test
    void withoutTheSettingTheDefaultApplies() {
        new SocketBuffersEnvironmentPostProcessor().postProcessEnvironment(new MockEnvironment(), null);
        assertThat(System.getProperty(PROP)).isEqualTo("2048");
    }

    @Test
    void aSystemPropertyGivenOnTheCommandLineWins() {
        System.setProperty(PROP, "8192");
        new SocketBuffersEnvironmentPostProcessor().postProcessEnvironment(
                new MockEnvironment().withProperty("waldiez.streaming.io-buffer-size", "4KB"), null);
        assertThat(System.getProperty(PROP)).isEqualTo("8192");
    }

    @Test
    void lessThanOneKilobyteIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new SocketBuffersEnvironmentPostProcessor().postProcessEnvironment(
                new MockEnvironment().withProperty("waldiez.streaming.io-buffer-size", "512B"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("waldiez.streaming.io-buffer-size");
        assertThat(System.getProperty(PROP)).isNull();
    }
}
