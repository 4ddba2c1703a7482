package io.waldiez.runner.server.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default: PostgreSQL keeps its data across restarts, and neither server trusts a local
 * connection (a run's flow is untrusted code on the same machine): both want the server's password.
 */
class EmbeddedServicesTest {

    private static final String PG_PASSWORD = "pg-secret-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void postgresDataSurvivesRestartAndEveryConnectionNeedsThePassword() throws Exception {
        Path data = dir.resolve("pgdata");
        int port = EmbeddedServices.acquirePostgres(data, 0, PG_PASSWORD);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survive (v text)");
            s.execute("INSERT INTO survive VALUES ('kept')");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess")).isInstanceOf(SQLException.class);
        EmbeddedServices.releasePostgres(data);

        int again = EmbeddedServices.acquirePostgres(data, 0, PG_PASSWORD);
        String url2 = "jdbc:postgresql://127.0.0.1:" + again + "/postgres";
        try (Connection c = DriverManager.getConnection(url2, "postgres", PG_PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM survive")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("kept");
            assertThatThrownBy(() -> DriverManager.getConnection(url2, "postgres", "")).isInstanceOf(SQLException.class);
        } finally {
            EmbeddedServices.releasePostgres(data);
        }
    }

    @Test
    void redisIsSharedWhileReferencedAndOnlyTheServerUserGetsIn() throws Exception {
        EmbeddedServices.RedisInstance redis = EmbeddedServices.acquireRedis(0, "redis-secret-0123456789abcdef");
        EmbeddedServices.RedisInstance same = EmbeddedServices.acquireRedis(0, "another-password-is-ignored");
        assertThat(same).isEqualTo(redis);
        try {
            RedisClient client = RedisClient.create();
            try (StatefulRedisConnection<String, String> server = client.connect(RedisURI.builder()
                    .withHost("127.0.0.1").withPort(redis.port())
                    .withAuthentication(EmbeddedServices.REDIS_SERVER_USER, redis.password().toCharArray()).build())) {
                assertThat(server.sync().ping()).isEqualTo("PONG");
            }
            // The default user is off: an anonymous connection can do nothing.
            assertThatThrownBy(() -> client.connect(RedisURI.create("redis://127.0.0.1:" + redis.port())))
                    .hasRootCauseInstanceOf(RedisCommandExecutionException.class).rootCause().hasMessageContaining("NOAUTH");
            client.shutdown();
        } finally {
            EmbeddedServices.releaseRedis(redis.port());
            EmbeddedServices.releaseRedis(redis.port());
        }
    }
}
