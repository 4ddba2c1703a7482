package io.waldiez.runner.server.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.server.common.Ids;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RedisConfigTest extends ApiServerIntegrationTest {

    @Autowired
    RedisEndpoint endpoint;

    @Autowired
    RedisClient client;

    @Autowired
    StatefulRedisConnection<String, String> connection;

    @Test
    void embeddedRedisIsLoopbackAndWorksForStreams() {
        // The embedded Redis wants the server's user and password; logs see neither the password nor the user.
        assertThat(endpoint.url()).matches("redis://waldiez-server:[0-9a-f]{48}@127\\.0\\.0\\.1:\\d+");
        assertThat(endpoint.redactedUrl()).matches("redis://\\*\\*\\*@127\\.0\\.0\\.1:\\d+");
        String port = endpoint.url().substring(endpoint.url().lastIndexOf(':') + 1);
        assertThat(endpoint.withUser("task-abc", "pw")).isEqualTo("redis://task-abc:pw@127.0.0.1:" + port);
        String key = "test:" + Ids.newId() + ":output";
        String id = connection.sync().xadd(key, Map.of("type", "print", "data", "hello"));
        List<StreamMessage<String, String>> read = connection.sync().xrange(key, io.lettuce.core.Range.create("-", "+"));
        assertThat(read).hasSize(1);
        assertThat(read.get(0).getId()).isEqualTo(id);
        assertThat(read.get(0).getBody()).containsEntry("data", "hello");
        // a dedicated connection for blocking reads, as HANDOFF.md recommends
        try (StatefulRedisConnection<String, String> own = client.connect()) {
            List<StreamMessage<String, String>> blocking = own.sync().xread(XReadArgs.Builder.block(100).count(10),
                    XReadArgs.StreamOffset.from(key, "0"));
            assertThat(blocking).hasSize(1);
        }
    }

    @Test
    void redactedUrlHidesPasswords() {
        assertThat(new RedisEndpoint("redis://:s3cret@redis:6379/0").redactedUrl()).isEqualTo("redis://***@redis:6379/0");
        assertThat(new RedisEndpoint("rediss://user:pw@host:6380").redactedUrl()).isEqualTo("rediss://***@host:6380");
        assertThat(new RedisEndpoint("redis://:s3cret@redis:6379").toString()).doesNotContain("s3cret");
        assertThat(new RedisEndpoint("redis://host:6379").redactedUrl()).isEqualTo("redis://host:6379");
        assertThat(new RedisEndpoint("not a uri ::").redactedUrl()).doesNotContain("not a uri");
    }
}
