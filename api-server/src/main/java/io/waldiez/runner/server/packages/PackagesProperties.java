package io.waldiez.runner.server.packages;

import io.waldiez.runner.protocol.PackagesPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code waldiez.packages.*}: flows' own packages in local mode (docs/packages.md).
 *
 * @param enabled             install what a flow needs beyond the runner's environment; false: flows run as
 *                            they are (a missing import fails them)
 * @param cacheDir            where environments are kept ({@code <cache-dir>/envs/<key>}); default
 *                            {@code <data-dir>/packages}
 * @param indexUrl            the package index (a private mirror); empty: pip's own configuration of the
 *                            machine ({@code /etc/pip.conf}, {@code PIP_*} variables of the server). May hold
 *                            credentials: they reach only the builder's environment, never logs or keys
 * @param extraIndexUrls      further indexes
 * @param onlyBinary          install wheels only: no package code runs while installing (recommended with a
 *                            credentialed index: a source build could read it)
 * @param allow               package names (globs) flows may ask for; empty: any
 * @param deny                package names (globs) never installed, dependencies included
 * @param maxEnvironmentSize  largest environment; a bigger one fails its build
 * @param maxCacheSize        total size kept; least recently used environments not in use are removed beyond it
 * @param buildTimeout        longest one build may take
 * @param maxConcurrentBuilds builds at the same time (each one key; more wait)
 */
@ConfigurationProperties("waldiez.packages")
public record PackagesProperties(
        @DefaultValue("true") boolean enabled,
        String cacheDir,
        @DefaultValue("") String indexUrl,
        @DefaultValue List<String> extraIndexUrls,
        @DefaultValue("false") boolean onlyBinary,
        @DefaultValue List<String> allow,
        @DefaultValue List<String> deny,
        @DefaultValue("2GB") DataSize maxEnvironmentSize,
        @DefaultValue("20GB") DataSize maxCacheSize,
        @DefaultValue("10m") Duration buildTimeout,
        @DefaultValue("2") int maxConcurrentBuilds) {

    public PackagesProperties {
        maxConcurrentBuilds = Math.max(1, maxConcurrentBuilds);
        if (buildTimeout.isZero() || buildTimeout.isNegative()) {
            throw new IllegalArgumentException("waldiez.packages.build-timeout must be positive, not " + buildTimeout);
        }
    }

    public PackagesPolicy policy() {
        return new PackagesPolicy(indexUrl, extraIndexUrls, onlyBinary, allow, deny, maxEnvironmentSize.toBytes(),
                buildTimeout);
    }

    /** {@code cacheDir}, or {@code <dataDir>/packages}. */
    public Path cacheRoot(String dataDir) {
        String dir = cacheDir == null || cacheDir.isBlank() ? Path.of(dataDir, "packages").toString() : cacheDir;
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** How long a run waits for its environment: a build, and one before it for the same key. */
    public Duration runWait() {
        return buildTimeout.multipliedBy(2).plusMinutes(1);
    }
}
