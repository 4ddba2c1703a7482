package io.waldiez.runner.server.streaming;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * Sizes Tomcat's per-WebSocket buffers before the container starts: its frame input buffer, its
 * output (batching) buffer and its UTF-8 encoder buffer, 8 KB each by default, are allocated for
 * every open socket, idle or not, and their size is a JVM-wide system property that Tomcat reads
 * once, when its WebSocket classes load ({@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}).
 * It takes {@code waldiez.streaming.io-buffer-size} (see {@link StreamingProperties}); a value given
 * on the command line as that system property wins.
 */
public class SocketBuffersEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String TOMCAT_WS_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (System.getProperty(TOMCAT_WS_BUFFER) != null) {
            return;
        }
        String value = env.getProperty("waldiez.streaming.io-buffer-size", StreamingProperties.DEFAULT_IO_BUFFER);
        long bytes = DataSize.parse(value).toBytes();
        if (bytes < StreamingProperties.MIN_IO_BUFFER || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("waldiez.streaming.io-buffer-size must be at least 1KB, not " + value);
        }
        System.setProperty(TOMCAT_WS_BUFFER, Long.toString(bytes));
    }
}
