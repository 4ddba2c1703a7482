package io.waldiez.runner.server.infra;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Redis every component of this server (and every local runner process) talks to.
 *
 * @param url full Redis URL, possibly with a password; never log it, use {@link #redactedUrl()}
 */
public record RedisEndpoint(String url) {

    public RedisEndpoint {
        Objects.requireNonNull(url, "url");
    }

    /** The URL with any user-info replaced by {@code ***}, safe for logs and status pages. */
    public String redactedUrl() {
        try {
            URI uri = URI.create(url);
            if (uri.getRawUserInfo() == null) {
                return url;
            }
            return url.replace(uri.getRawUserInfo() + "@", "***@");
        } catch (IllegalArgumentException e) {
            return "redis://***";
        }
    }

    /**
     * The same Redis, as {@code username} with {@code password} (a run's own ACL user): the URL a
     * runner gets. Never log it.
     */
    public String withUser(String username, String password) {
        URI uri = URI.create(url);
        String userInfo = URLEncoder.encode(username, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        String rest = url.substring(url.indexOf("://") + 3);
        int at = uri.getRawUserInfo() == null ? -1 : rest.indexOf('@');
        return uri.getScheme() + "://" + userInfo + "@" + rest.substring(at + 1);
    }

    @Override
    public String toString() {
        return "RedisEndpoint[" + redactedUrl() + "]";
    }
}
