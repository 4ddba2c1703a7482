package io.waldiez.runner.protocol;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a supervisor allows a flow to install, and from where; it reaches the runner and the builder
 * as environment variables (docs/packages.md). Both Java supervisors bind their settings to this.
 *
 * @param indexUrl            the package index (pip's {@code --index-url}); empty: pip's own configuration
 * @param extraIndexUrls      further indexes ({@code --extra-index-url})
 * @param onlyBinary          wheels only ({@code --only-binary :all:}): no package code runs while installing
 * @param allow               package names (globs) a flow may ask for; empty: any
 * @param deny                package names (globs) nobody may install, dependencies included; wins over allow
 * @param maxEnvironmentBytes largest environment kept (0: no limit)
 * @param buildTimeout        longest an installation may take
 * @param indexId             names the index in keys when its URL reaches pip another way (a Kubernetes Secret
 *                            reference); empty otherwise
 */
public record PackagesPolicy(String indexUrl, List<String> extraIndexUrls, boolean onlyBinary, List<String> allow,
        List<String> deny, long maxEnvironmentBytes, Duration buildTimeout, String indexId) {

    public static final String MODE = "WALDIEZ_PACKAGES";
    public static final String DIR = "WALDIEZ_PACKAGES_DIR";
    public static final String INDEX = "WALDIEZ_PACKAGES_INDEX";
    public static final String WAIT = "WALDIEZ_PACKAGES_WAIT";
    public static final String SKIP_DEPS = "WALDIEZ_SKIP_DEPS";
    public static final String ONLY = "WALDIEZ_PACKAGES_ONLY";

    public PackagesPolicy {
        indexUrl = indexUrl == null ? "" : indexUrl.strip();
        extraIndexUrls = extraIndexUrls == null ? List.of() : List.copyOf(extraIndexUrls);
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        buildTimeout = buildTimeout == null ? Duration.ofMinutes(10) : buildTimeout;
        indexId = indexId == null ? "" : indexId;
    }

    public PackagesPolicy(String indexUrl, List<String> extraIndexUrls, boolean onlyBinary, List<String> allow,
            List<String> deny, long maxEnvironmentBytes, Duration buildTimeout) {
        this(indexUrl, extraIndexUrls, onlyBinary, allow, deny, maxEnvironmentBytes, buildTimeout, "");
    }

    /** A build's failure reason as it may be shown: one line, at most 600 characters, URL credentials masked. */
    public static String reason(String text) {
        String line = text.replaceAll("\\s+", " ").strip().replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/\\s@]+@", "$1***@");
        return line.length() <= 600 ? line : line.substring(0, 599) + "…";
    }

    /** The index part of environment keys (no credentials in it). */
    public String indexFingerprint() {
        return PackagesKey.indexFingerprint(indexId.isEmpty() ? indexUrl : indexUrl + " " + indexId, extraIndexUrls,
                onlyBinary);
    }

    /** True when the index URLs carry credentials: they must then travel as secrets only. */
    public boolean indexHasCredentials() {
        return !PackagesKey.withoutUserInfo(indexUrl).equals(indexUrl)
                || extraIndexUrls.stream().anyMatch(u -> !PackagesKey.withoutUserInfo(u).equals(u));
    }

    /**
     * Variables of a run: the mode, where environments are, what the key's index part is, how long to
     * wait for a build, and the allow/deny lists (so that a refused package fails before anything is asked).
     * In {@code self} mode the run installs itself and also gets {@link #builderEnv()}.
     */
    public Map<String, String> runnerEnv(String mode, String dir, Duration wait) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(MODE, mode);
        env.put(DIR, dir);
        env.put(WAIT, Long.toString(Math.max(1, wait.toSeconds())));
        env.putAll(builderEnv());
        if (!"self".equals(mode)) {
            env.remove("PIP_INDEX_URL");
            env.remove("PIP_EXTRA_INDEX_URL");
        }
        return env;
    }

    /** Variables of a builder: the policy, and the index in pip's own variables. */
    public Map<String, String> builderEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(INDEX, indexFingerprint());
        env.put("WALDIEZ_PACKAGES_ONLY_BINARY", Boolean.toString(onlyBinary));
        env.put("WALDIEZ_PACKAGES_MAX_BYTES", Long.toString(Math.max(0, maxEnvironmentBytes)));
        env.put("WALDIEZ_PACKAGES_TIMEOUT", Long.toString(Math.max(1, buildTimeout.toSeconds())));
        env.put("WALDIEZ_PACKAGES_ALLOW", String.join(",", allow));
        env.put("WALDIEZ_PACKAGES_DENY", String.join(",", deny));
        if (!indexUrl.isEmpty()) {
            env.put("PIP_INDEX_URL", indexUrl);
        }
        if (!extraIndexUrls.isEmpty()) {
            env.put("PIP_EXTRA_INDEX_URL", String.join(" ", extraIndexUrls));
        }
        return env;
    }

    @Override
    public String toString() {
        return "PackagesPolicy[index=" + PackagesKey.withoutUserInfo(indexUrl) + ", extra="
                + extraIndexUrls.stream().map(PackagesKey::withoutUserInfo).toList() + ", onlyBinary=" + onlyBinary
                + ", allow=" + allow + ", deny=" + deny + ", maxEnvironmentBytes=" + maxEnvironmentBytes
                + ", buildTimeout=" + buildTimeout + "]";
    }
}
