package io.waldiez.runner.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key of a flow's environment, computed the same way as the runner does
 * ({@code waldiez_task_runner.packages.requirements.env_key}; shared test vectors in
 * {@code packages-vectors.json}): what gets installed (canonical requirements), on which base (the
 * runner environment's fingerprint), from which index (a fingerprint of the index settings).
 */
public final class PackagesKey {

    public static final String VERSION = "waldiez-packages-v1";
    public static final int MAX_REQUIREMENTS = 100;
    public static final int MAX_REQUIREMENT_LENGTH = 300;

    private static final String NAME = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
    private static final String VERSION_SPEC = "(?:~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+";
    /** What the runner's canonical form can look like: no spaces but before hash options, no pip options, no URLs. */
    private static final Pattern CANONICAL = Pattern.compile("^" + NAME + "(?:\\[" + NAME + "(?:," + NAME + ")*\\])?"
            + "(?:" + VERSION_SPEC + "(?:," + VERSION_SPEC + ")*)?(?: --hash=(?:sha256|sha384|sha512):[0-9a-f]{32,128})*$");
    private static final Pattern HEX64 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern KEY = Pattern.compile("^[0-9a-f]{32}$");

    private PackagesKey() {
    }

    /** The key of {@code requirements} (any order) on {@code base}, from the index {@code index}. */
    public static String of(String base, String index, List<String> requirements) {
        StringBuilder text = new StringBuilder(VERSION).append('\n')
                .append("base ").append(base).append('\n')
                .append("index ").append(index).append('\n');
        requirements.stream().sorted().forEach(r -> text.append(r).append('\n'));
        return sha256(text.toString()).substring(0, 32);
    }

    /** True for a requirement in the runner's canonical form (so it can be handed to pip as it is). */
    public static boolean isCanonical(String requirement) {
        return requirement != null && requirement.length() <= MAX_REQUIREMENT_LENGTH
                && CANONICAL.matcher(requirement).matches();
    }

    public static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** Why a request cannot be acted on (malformed, or its key is not its content's), or empty. */
    public static Optional<String> problem(PackagesRequest request, String index) {
        List<String> reqs = request.requirements();
        if (reqs.isEmpty() || reqs.size() > MAX_REQUIREMENTS) {
            return Optional.of("between 1 and " + MAX_REQUIREMENTS + " requirements are expected, not " + reqs.size());
        }
        if (!reqs.stream().allMatch(PackagesKey::isCanonical) || reqs.stream().distinct().count() != reqs.size()) {
            return Optional.of("the requirements are not in canonical form");
        }
        if (request.base() == null || !HEX64.matcher(request.base()).matches()) {
            return Optional.of("malformed base fingerprint");
        }
        if (!of(request.base(), index, reqs).equals(request.key())) {
            return Optional.of("the environment key does not match its requirements");
        }
        return Optional.empty();
    }

    /**
     * The index part of keys: what decides where packages come from, without credentials (a rotated
     * password must not empty the cache). Empty when nothing is configured (pip's own configuration).
     */
    public static String indexFingerprint(String indexUrl, List<String> extraIndexUrls, boolean onlyBinary) {
        boolean none = (indexUrl == null || indexUrl.isBlank()) && extraIndexUrls.isEmpty() && !onlyBinary;
        if (none) {
            return "";
        }
        StringBuilder text = new StringBuilder("index ").append(withoutUserInfo(indexUrl)).append('\n');
        extraIndexUrls.forEach(u -> text.append("extra ").append(withoutUserInfo(u)).append('\n'));
        text.append("only-binary ").append(onlyBinary).append('\n');
        return sha256(text.toString()).substring(0, 16);
    }

    /** {@code url} without its user and password. */
    public static String withoutUserInfo(String url) {
        if (url == null || url.isBlank()) {
            return "";
        }
        try {
            URI u = new URI(url.strip());
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment())
                    .toString();
        } catch (URISyntaxException e) {
            int at = url.lastIndexOf('@');
            int scheme = url.indexOf("://");
            return at > scheme && scheme >= 0 ? url.substring(0, scheme + 3) + url.substring(at + 1) : url;
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
