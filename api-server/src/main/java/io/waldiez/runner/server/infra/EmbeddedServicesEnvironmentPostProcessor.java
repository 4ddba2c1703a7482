package io.waldiez.runner.server.infra;

import io.waldiez.runner.server.common.SecretFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The "embedded default": when no database or Redis is configured, start real ones in-process and
 * point {@code spring.datasource.*} and {@code waldiez.redis.url} at them before any bean is created,
 * so DataSource, Flyway and Lettuce need no special casing.
 */
public class EmbeddedServicesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE = "waldiezEmbeddedServices";
    static final String ACTIVE_PG_DIR = "waldiez.embedded.postgres.active-data-dir";
    static final String ACTIVE_REDIS_PORT = "waldiez.embedded.redis.active-port";
    static final String POSTGRES_PASSWORD_FILE = "postgres-password";
    static final String REDIS_PASSWORD_FILE = "redis-password";

    private final Log log;

    public EmbeddedServicesEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(EmbeddedServicesEnvironmentPostProcessor.class);
    }

    @Override
    public int getOrder() {
        // After application.yml and profiles are loaded.
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.getPropertySources().contains(PROPERTY_SOURCE)) {
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE, props);
        env.getPropertySources().addFirst(source);

        if (env.getProperty("waldiez.embedded.ephemeral", Boolean.class, false)) {
            // Tests: one throw-away data directory per JVM instead of ./var.
            props.put("waldiez.data-dir", EmbeddedServices.ephemeralDataDir().toString());
        }

        boolean pgEnabled = env.getProperty("waldiez.embedded.postgres.enabled", Boolean.class, true);
        if (pgEnabled && !StringUtils.hasText(env.getProperty("spring.datasource.url"))) {
            String dir = env.getProperty("waldiez.embedded.postgres.data-dir",
                    env.getProperty("waldiez.data-dir", "./var") + "/pgdata");
            Path dataDir = Path.of(dir).toAbsolutePath().normalize();
            // Beside the cluster, readable by the server's user only: a flow must not connect as the server.
            String password = SecretFiles.loadOrCreate(dataDir.resolveSibling(POSTGRES_PASSWORD_FILE),
                    SecretFiles.randomHex(24));
            int port = EmbeddedServices.acquirePostgres(dataDir,
                    env.getProperty("waldiez.embedded.postgres.port", Integer.class, 0), password);
            props.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres");
            props.put("spring.datasource.username", EmbeddedServices.POSTGRES_USER);
            props.put("spring.datasource.password", password);
            props.put(ACTIVE_PG_DIR, dataDir.toString());
            log.info("No spring.datasource.url configured: using embedded PostgreSQL on port " + port
                    + " with data in " + dataDir);
        }

        boolean redisEnabled = env.getProperty("waldiez.embedded.redis.enabled", Boolean.class, true);
        if (redisEnabled
                && !StringUtils.hasText(env.getProperty("waldiez.redis.url"))
                && !StringUtils.hasText(env.getProperty("spring.data.redis.url"))) {
            Path dataDir = Path.of(env.getProperty("waldiez.data-dir", "./var")).toAbsolutePath().normalize();
            String password = SecretFiles.loadOrCreate(dataDir.resolve(REDIS_PASSWORD_FILE), SecretFiles.randomHex(24));
            EmbeddedServices.RedisInstance redis = EmbeddedServices.acquireRedis(
                    env.getProperty("waldiez.embedded.redis.port", Integer.class, 0), password);
            props.put("waldiez.redis.url", "redis://" + EmbeddedServices.REDIS_SERVER_USER + ":" + redis.password()
                    + "@127.0.0.1:" + redis.port());
            props.put(ACTIVE_REDIS_PORT, redis.port());
            log.info("No Redis URL configured: using embedded Redis on port " + redis.port()
                    + " (user " + EmbeddedServices.REDIS_SERVER_USER + ", password in " + dataDir.resolve(REDIS_PASSWORD_FILE) + ")");
        }
    }
}
