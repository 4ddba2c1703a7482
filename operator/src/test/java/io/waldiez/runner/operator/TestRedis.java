package io.waldiez.runner.operator;

import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis 7 for the operator's tests: the machine's {@code redis-server} (Debian's package,
 * installed by scripts/install-prerequisites.sh), since per-run ACL users need Redis 7's key
 * permissions, which the Redis that embedded-redis bundles (6.2) lacks.
 */
final class TestRedis {

    private TestRedis() {
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
