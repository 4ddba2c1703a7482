package io.waldiez.runner.operator;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis 7 for the operator's tests: the machine's {@code redis-server} (Debian's package,
 * installed by scripts/install-prerequisites.sh), since per-run ACL users need Redis 7's key
 * permissions, which the Redis that embedded-redis bundles (6.2) lacks. As a class-level extension
 * ({@code @RegisterExtension static final TestRedis REDIS = new TestRedis();}) it runs for the
 * test class; {@link #start(int)} serves tests that start and stop one themselves.
 */
final class TestRedis implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;
    private String url;

    /** {@code redis://127.0.0.1:<port>} of the Redis started for the test class. */
    String url() {
        return url;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        int port = freePort();
        server = start(port);
        url = "redis://127.0.0.1:" + port;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        server.stop();
    }

    /** A free loopback port. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Started on {@code port}, without persistence. */
    static RedisServer start(int port) throws IOException {
        RedisServer server = RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newExecutableInPath("redis-server"))
                .port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no")
                .build();
        server.start();
        return server;
    }
}
