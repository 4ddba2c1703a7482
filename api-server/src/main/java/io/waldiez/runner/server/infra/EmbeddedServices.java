package io.waldiez.runner.server.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * JVM-wide registry of the embedded PostgreSQL and Redis servers.
 *
 * <p>Servers are reference counted per data directory / port so that several Spring contexts in one
 * JVM (test context cache) share one instance; the last context to close stops them, and a shutdown
 * hook covers contexts that never close.
 */
public final class EmbeddedServices {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);

    private static final Map<Path, Counted<EmbeddedPostgres>> POSTGRES = new HashMap<>();
    private static final Map<Integer, Counted<RedisServer>> REDIS = new HashMap<>();
    private static final Map<Integer, String> REDIS_PASSWORDS = new HashMap<>();
    /** The ACL user the server (API server, local launcher) authenticates as on the embedded Redis. */
    public static final String REDIS_SERVER_USER = "waldiez-server";
    /** The role the server uses on the embedded PostgreSQL (password required, never trust). */
    public static final String POSTGRES_USER = "postgres";
    private static Path ephemeralDir;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedServices::stopAll, "embedded-services-stop"));
    }

    private EmbeddedServices() {}

    private static final class Counted<T> {
        final T server;
        int refs;

        Counted(T server) {
            this.server = server;
        }
    }

    /** One temporary data directory per JVM for ephemeral (test) mode; deleted at JVM exit. */
    public static synchronized Path ephemeralDataDir() {
        if (ephemeralDir == null) {
            try {
                ephemeralDir = Files.createTempDirectory("waldiez-runner-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ephemeralDir;
    }

    /**
     * Starts (or reuses) PostgreSQL on {@code dataDir}; returns its port. Connections need
     * {@code password} ({@link PostgresPassword}): a new cluster gets it right after its first start.
     */
    public static synchronized int acquirePostgres(Path dataDir, int port, String password) {
        Path key = dataDir.toAbsolutePath().normalize();
        Counted<EmbeddedPostgres> counted = POSTGRES.get(key);
        if (counted == null) {
            try {
                Files.createDirectories(key);
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setDataDirectory(key)
                        // Keep data between restarts: local mode is meant to be durable.
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false)
                        .setPGStartupWait(Duration.ofSeconds(30))
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        // zonky's readiness check and data sources connect with it
                        .setConnectConfig("password", password);
                if (port > 0) {
                    builder.setPort(port);
                }
                long start = System.nanoTime();
                counted = new Counted<>(builder.start());
                PostgresPassword.require(counted.server, key, password);
                log.info("Embedded PostgreSQL started on 127.0.0.1:{} (data {}) in {} ms",
                        counted.server.getPort(), key, (System.nanoTime() - start) / 1_000_000);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start embedded PostgreSQL in " + key, e);
            }
            POSTGRES.put(key, counted);
        }
        counted.refs++;
        return counted.server.getPort();
    }

    public static synchronized void releasePostgres(Path dataDir) {
        Path key = dataDir.toAbsolutePath().normalize();
        Counted<EmbeddedPostgres> counted = POSTGRES.get(key);
        if (counted != null && --counted.refs <= 0) {
            POSTGRES.remove(key);
            closePostgres(counted.server);
            EmbeddedServices.class.notifyAll();
        }
    }

    /** A running embedded Redis: its port and the password of its server user. */
    public record RedisInstance(int port, String password) {
    }

    /**
     * Starts (or reuses) Redis on {@code port} (0 = a free port). Nobody connects anonymously: the
     * {@code default} user is off and the server authenticates as {@link #REDIS_SERVER_USER} with
     * {@code password} (the running instance's password when it is reused). Its config file holds only
     * the password's SHA-256.
     */
    public static synchronized RedisInstance acquireRedis(int port, String password) {
        if (port <= 0) {
            if (!REDIS.isEmpty()) {
                // Same JVM, "any port" again: share the running one.
                Map.Entry<Integer, Counted<RedisServer>> any = REDIS.entrySet().iterator().next();
                any.getValue().refs++;
                return new RedisInstance(any.getKey(), REDIS_PASSWORDS.get(any.getKey()));
            }
            port = freePort();
        }
        Counted<RedisServer> counted = REDIS.get(port);
        if (counted == null) {
            try {
                RedisServer server = RedisServer.newRedisServer()
                        .executableProvider(RedisBinary.provider())
                        .port(port)
                        .bind("127.0.0.1")
                        // Redis is a live buffer here; durable state lives in PostgreSQL.
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("user default off")
                        .setting("user " + REDIS_SERVER_USER + " on #" + sha256Hex(password) + " ~* &* +@all")
                        .build();
                server.start();
                counted = new Counted<>(server);
                REDIS_PASSWORDS.put(port, password);
                log.info("Embedded Redis ({}) started on 127.0.0.1:{}", RedisBinary.describe(), port);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start embedded Redis on port " + port, e);
            }
            REDIS.put(port, counted);
        }
        counted.refs++;
        return new RedisInstance(port, REDIS_PASSWORDS.get(port));
    }

    public static synchronized void releaseRedis(int port) {
        Counted<RedisServer> counted = REDIS.get(port);
        if (counted != null && --counted.refs <= 0) {
            REDIS.remove(port);
            REDIS_PASSWORDS.remove(port);
            stopRedis(counted.server);
            EmbeddedServices.class.notifyAll();
        }
    }

    /**
     * JVM exit: Spring's own shutdown hook runs in parallel and releases what its context holds
     * (closing the connection pool first); give it time, then stop whatever is left.
     */
    private static synchronized void stopAll() {
        long deadline = System.currentTimeMillis() + 15_000;
        while ((!POSTGRES.isEmpty() || !REDIS.isEmpty()) && System.currentTimeMillis() < deadline) {
            try {
                EmbeddedServices.class.wait(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        POSTGRES.values().forEach(c -> closePostgres(c.server));
        POSTGRES.clear();
        REDIS.values().forEach(c -> stopRedis(c.server));
        REDIS.clear();
        if (ephemeralDir != null) {
            deleteRecursively(ephemeralDir);
        }
    }

    private static void closePostgres(EmbeddedPostgres pg) {
        try {
            pg.close();
            log.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    private static void stopRedis(RedisServer redis) {
        try {
            redis.stop();
            log.info("Embedded Redis stopped");
        } catch (IOException e) {
            log.warn("Embedded Redis did not stop cleanly: {}", e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: it is a temp directory.
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
