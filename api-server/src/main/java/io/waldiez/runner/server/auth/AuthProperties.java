package io.waldiez.runner.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code waldiez.auth.*}.
 *
 * @param secretKey HS256 key (UTF-8 bytes, at least 32); when empty and {@code requireSecretKey} is
 *     false, one is generated once and kept in {@code credentialsDir}
 * @param issuer JWT {@code iss} (the original's DOMAIN_NAME)
 * @param credentialsDir where clients.json and a generated signing key live (mode 0600)
 * @param localEnabled issue and accept local HS256 tokens (the original's USE_LOCAL_AUTH)
 */
@ConfigurationProperties("waldiez.auth")
public record AuthProperties(
        String secretKey,
        @DefaultValue("false") boolean requireSecretKey,
        @DefaultValue("localhost") String issuer,
        @DefaultValue("60m") Duration accessTokenTtl,
        @DefaultValue("24h") Duration refreshTokenTtl,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("./var") Path credentialsDir,
        @DefaultValue("true") boolean localEnabled,
        @DefaultValue Oidc oidc,
        @DefaultValue Bootstrap bootstrap,
        @DefaultValue Argon2 argon2) {

    /**
     * External OIDC provider: tokens not signed with HS256 are checked against its JWKS.
     *
     * @param audience required {@code aud} of OIDC tokens (the original's OIDC_AUDIENCE)
     */
    public record Oidc(String issuerUri, String jwksUri, String audience) {
        public boolean enabled() {
            return jwksUri != null && !jwksUri.isBlank();
        }
    }

    /** First-start clients; empty values mean "generate". */
    public record Bootstrap(
            @DefaultValue("true") boolean enabled, String clientsApiClientId, String clientsApiClientSecret) {}

    /** Argon2id cost; defaults match the original (m=64 MiB, t=2, p=1). */
    public record Argon2(
            @DefaultValue("65536") int memoryKib, @DefaultValue("2") int iterations, @DefaultValue("1") int parallelism) {}
}
