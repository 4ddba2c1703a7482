package io.waldiez.runner.server.infra;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * One Lettuce client and one shared connection for the whole server.
 *
 * <p>The shared connection is thread-safe for ordinary commands. Blocking reads (XREAD BLOCK) must
 * not use it: open a dedicated connection with {@code redisClient.connect()} and close it yourself.
 */
@Configuration(proxyBeanMethods = false)
public class RedisConfig {

    private static final Logger log = LoggerFactory.getLogger(RedisConfig.class);

    @Bean
    public RedisEndpoint redisEndpoint(Environment env) {
        String url = env.getProperty("waldiez.redis.url");
        if (!StringUtils.hasText(url)) {
            url = env.getProperty("spring.data.redis.url");
        }
        if (!StringUtils.hasText(url)) {
            throw new IllegalStateException(
                    "No Redis configured: set waldiez.redis.url or enable waldiez.embedded.redis.enabled");
        }
        RedisEndpoint endpoint = new RedisEndpoint(url);
        log.info("Redis endpoint: {}", endpoint.redactedUrl());
        return endpoint;
    }

    @Bean(destroyMethod = "shutdown")
    public RedisClient redisClient(RedisEndpoint endpoint) {
        return RedisClient.create(RedisURI.create(endpoint.url()));
    }

    @Bean(destroyMethod = "close")
    public StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }

    @Bean
    public HealthIndicator redisHealthIndicator(StatefulRedisConnection<String, String> connection) {
        return () -> {
            try {
                return "PONG".equals(connection.sync().ping()) ? Health.up().build() : Health.down().build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
            }
        };
    }
}
