package io.waldiez.runner.server.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * Which {@code redis-server} the embedded default runs: the machine's (Debian's {@code redis-server}
 * package) when it is Redis 7 or newer, since per-run ACL users need Redis 7's key permissions;
 * otherwise the Redis 6.2 that embedded-redis bundles, with a warning (runs then cannot be given
 * their own users: see {@code TaskRedisUsers}).
 */
final class RedisBinary {

    private static final Logger log = LoggerFactory.getLogger(RedisBinary.class);
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final String[] CANDIDATES = {"/usr/bin/redis-server", "/usr/local/bin/redis-server"};

    private static Path machine;
    private static String machineVersion;
    private static boolean probed;

    private RedisBinary() {
    }

    static synchronized ExecutableProvider provider() {
        probe();
        if (machine != null) {
            Path binary = machine;
            return binary::toFile;
        }
        log.warn("No redis-server 7 or newer on this machine (install the redis-server package): the embedded "
                + "Redis is the bundled 6.2, on which runs cannot get their own ACL users");
        return ExecutableProvider.newJarResourceProvider();
    }

    static synchronized String describe() {
        probe();
        return machine != null ? machine + " " + machineVersion : "bundled 6.2";
    }

    private static void probe() {
        if (probed) {
            return;
        }
        probed = true;
        String path = System.getenv("PATH");
        java.util.List<Path> candidates = new java.util.ArrayList<>();
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "redis-server"));
                }
            }
        }
        for (String c : CANDIDATES) {
            candidates.add(Path.of(c));
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                String version = version(candidate);
                if (version != null && Integer.parseInt(version.split("\\.")[0]) >= 7) {
                    machine = candidate;
                    machineVersion = version;
                    return;
                }
            }
        }
    }

    private static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            Matcher m = VERSION.matcher(out);
            return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
