package io.waldiez.runner.operator;

import io.waldiez.runner.protocol.PackagesKey;
import io.waldiez.runner.protocol.PackagesPolicy;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code waldiez.operator.packages.*}: flows' own packages in Kubernetes mode (docs/packages.md).
 *
 * @param enabled            install what a flow needs beyond the runner image; false: flows run as they are
 * @param cacheClaim         a ReadWriteMany PersistentVolumeClaim (in every task namespace) holding the shared
 *                           cache: task pods mount it read-only at {@value TaskJobDependent#PACKAGES_MOUNT}, one
 *                           build Job per environment writes its own directory. Empty: each run installs what
 *                           it needs in its own pod ({@code /work/packages}), nothing shared
 * @param indexUrl           the package index (a private mirror) without credentials; empty: the image's pip
 *                           configuration
 * @param indexUrlSecretName a Secret (in the task namespace) whose key {@code indexUrlSecretKey} holds an index
 *                           URL with credentials; it wins over {@code indexUrl} and only reaches pods by
 *                           reference
 * @param indexUrlSecretKey  the key in that Secret
 * @param extraIndexUrls     further indexes (no credentials)
 * @param onlyBinary         wheels only: no package code runs while installing
 * @param allow              package names (globs) flows may ask for; empty: any
 * @param deny               package names (globs) never installed, dependencies included
 * @param maxEnvironmentSize largest environment; a bigger one fails
 * @param buildTimeout       longest one installation may take (the build Job's deadline adds a minute)
 */
public record PackagesSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String cacheClaim,
        @DefaultValue("") String indexUrl,
        @DefaultValue("") String indexUrlSecretName,
        @DefaultValue("url") String indexUrlSecretKey,
        @DefaultValue List<String> extraIndexUrls,
        @DefaultValue("false") boolean onlyBinary,
        @DefaultValue List<String> allow,
        @DefaultValue List<String> deny,
        @DefaultValue("2GB") DataSize maxEnvironmentSize,
        @DefaultValue("10m") Duration buildTimeout) {

    public PackagesSettings {
        cacheClaim = cacheClaim == null ? "" : cacheClaim.strip();
        indexUrl = indexUrl == null ? "" : indexUrl.strip();
        indexUrlSecretName = indexUrlSecretName == null ? "" : indexUrlSecretName.strip();
        indexUrlSecretKey = indexUrlSecretKey == null || indexUrlSecretKey.isBlank() ? "url" : indexUrlSecretKey.strip();
        extraIndexUrls = extraIndexUrls == null ? List.of() : List.copyOf(extraIndexUrls);
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        maxEnvironmentSize = maxEnvironmentSize == null ? DataSize.ofGigabytes(2) : maxEnvironmentSize;
        buildTimeout = buildTimeout == null ? Duration.ofMinutes(10) : buildTimeout;
        if (buildTimeout.isZero() || buildTimeout.isNegative()) {
            throw new IllegalArgumentException("waldiez.operator.packages.build-timeout must be positive, not " + buildTimeout);
        }
        if (!PackagesKey.withoutUserInfo(indexUrl).equals(indexUrl)
                || extraIndexUrls.stream().anyMatch(u -> !PackagesKey.withoutUserInfo(u).equals(u))) {
            // pod specs are readable by anyone who may list Jobs: credentials go through a Secret
            throw new IllegalArgumentException("waldiez.operator.packages index URLs must not hold credentials: "
                    + "put such a URL in a Secret and set waldiez.operator.packages.index-url-secret-name");
        }
    }

    public static PackagesSettings defaults() {
        return new PackagesSettings(true, "", "", "", "url", List.of(), false, List.of(), List.of(),
                DataSize.ofGigabytes(2), Duration.ofMinutes(10));
    }

    public PackagesSettings withCacheClaim(String claim) {
        return new PackagesSettings(enabled, claim, indexUrl, indexUrlSecretName, indexUrlSecretKey, extraIndexUrls,
                onlyBinary, allow, deny, maxEnvironmentSize, buildTimeout);
    }

    public PackagesSettings withIndexUrlSecret(String name, String key) {
        return new PackagesSettings(enabled, cacheClaim, indexUrl, name, key, extraIndexUrls, onlyBinary, allow, deny,
                maxEnvironmentSize, buildTimeout);
    }

    /** A shared cache volume is configured. */
    public boolean shared() {
        return enabled && !cacheClaim.isEmpty();
    }

    /**
     * The policy as runners and builders get it. With an index URL in a Secret, the key's index part
     * names the Secret (its content is not known here, and changes of it keep the cache).
     */
    public PackagesPolicy policy() {
        String indexId = indexUrlSecretName.isEmpty() ? "" : "secret:" + indexUrlSecretName + "/" + indexUrlSecretKey;
        return new PackagesPolicy(indexUrl, extraIndexUrls, onlyBinary, allow, deny, maxEnvironmentSize.toBytes(),
                buildTimeout, indexId);
    }

    /** How long a run waits for a build: one, and one before it for the same key. */
    public Duration runWait() {
        return buildTimeout.multipliedBy(2).plusMinutes(1);
    }
}
