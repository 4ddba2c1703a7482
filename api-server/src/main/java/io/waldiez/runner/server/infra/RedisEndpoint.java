package io.waldiez.runner.server.infra;

import java.net.URI;
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

    @Override
    public String toString() {
        return "RedisEndpoint[" + redactedUrl() + "]";
    }
}
