package io.waldiez.runner.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** The decoder switches on configuration: local HS256 only, or local + an OIDC provider's JWKS. */
class OidcDecoderTest {

    @TempDir
    Path dir;

    private HttpServer jwks;
    private RSAKey rsa;

    @BeforeEach
    void startJwks() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        String body = new JWKSet(rsa.toPublicJWK()).toString();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        jwks.start();
    }

    @AfterEach
    void stopJwks() {
        jwks.stop(0);
    }

    private AuthProperties props(String jwksUri) {
        return new AuthProperties("0123456789abcdef0123456789abcdef-local", false, "localhost", Duration.ofMinutes(60),
                Duration.ofHours(24), Duration.ofSeconds(30), dir, true,
                new AuthProperties.Oidc("https://idp.example", jwksUri, "waldiez"),
                new AuthProperties.Bootstrap(true, null, null), new AuthProperties.Argon2(4096, 1, 1));
    }

    private String rsaToken(String iss, String aud, Instant exp) throws Exception {
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(rsa)));
        JwtClaimsSet claims = JwtClaimsSet.builder().subject("user-1").issuer(iss).audience(List.of(aud))
                .expiresAt(exp).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId("k1").build(),
                claims)).getTokenValue();
    }

    private String hsToken(SecretKey key) {
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
        JwtClaimsSet claims = JwtClaimsSet.builder().subject("c").issuer("localhost").audience(List.of("tasks-api"))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).claim("type", "access").build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
    }

    @Test
    void withoutOidcOnlyLocalTokensDecode() throws Exception {
        AuthProperties p = props(null);
        JwtConfig config = new JwtConfig();
        SecretKey key = config.jwtSigningKey(p);
        JwtDecoder decoder = config.jwtDecoder(key, p);
        assertThat(decoder.decode(hsToken(key)).getSubject()).isEqualTo("c");
        String rs = rsaToken("https://idp.example", "waldiez", Instant.now().plusSeconds(60));
        assertThatThrownBy(() -> decoder.decode(rs)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void oidcTokensMayCarrySeveralAudiencesButNeedAnExpiry() throws Exception {
        AuthProperties p = props("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
        JwtConfig config = new JwtConfig();
        JwtDecoder decoder = config.jwtDecoder(config.jwtSigningKey(p), p);
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(rsa)));
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId("k1").build();
        String twoAudiences = encoder.encode(JwtEncoderParameters.from(header, JwtClaimsSet.builder().subject("user-1")
                .issuer("https://idp.example").audience(List.of("account", "waldiez"))
                .expiresAt(Instant.now().plusSeconds(60)).build())).getTokenValue();
        assertThat(decoder.decode(twoAudiences).getAudience()).containsExactly("account", "waldiez");
        String noExpiry = encoder.encode(JwtEncoderParameters.from(header, JwtClaimsSet.builder().subject("user-1")
                .issuer("https://idp.example").audience(List.of("waldiez")).build())).getTokenValue();
        assertThatThrownBy(() -> decoder.decode(noExpiry)).isInstanceOf(JwtValidationException.class);
    }

    @Test
    void withOidcRsaTokensAreCheckedAgainstTheJwks() throws Exception {
        AuthProperties p = props("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
        JwtConfig config = new JwtConfig();
        SecretKey key = config.jwtSigningKey(p);
        JwtDecoder decoder = config.jwtDecoder(key, p);

        Jwt ok = decoder.decode(rsaToken("https://idp.example", "waldiez", Instant.now().plusSeconds(60)));
        assertThat(ok.getSubject()).isEqualTo("user-1");
        assertThat(decoder.decode(hsToken(key)).getSubject()).isEqualTo("c");

        assertThatThrownBy(() -> decoder.decode(rsaToken("https://other", "waldiez", Instant.now().plusSeconds(60))))
                .isInstanceOf(JwtValidationException.class);
        assertThatThrownBy(() -> decoder.decode(rsaToken("https://idp.example", "other", Instant.now().plusSeconds(60))))
                .isInstanceOf(JwtValidationException.class);
        assertThatThrownBy(() -> decoder.decode(rsaToken("https://idp.example", "waldiez", Instant.now().minusSeconds(120))))
                .isInstanceOf(JwtValidationException.class);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        NimbusJwtEncoder foreign = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(stranger)));
        String forged = foreign.encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.RS256).keyId("k1").build(),
                JwtClaimsSet.builder().subject("x").issuer("https://idp.example").audience(List.of("waldiez"))
                        .expiresAt(Instant.now().plusSeconds(60)).build())).getTokenValue();
        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(JwtException.class);
    }

    @Test
    void incompleteOidcConfigurationFailsFast() {
        AuthProperties p = props("http://127.0.0.1:1/jwks");
        AuthProperties noAudience = new AuthProperties(p.secretKey(), false, p.issuer(), p.accessTokenTtl(),
                p.refreshTokenTtl(), p.clockSkew(), dir, true,
                new AuthProperties.Oidc("https://idp.example", p.oidc().jwksUri(), null), p.bootstrap(), p.argon2());
        JwtConfig config = new JwtConfig();
        assertThatThrownBy(() -> config.jwtDecoder(config.jwtSigningKey(noAudience), noAudience))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("audience");
    }

    @Test
    void localTokensCanBeSwitchedOff() throws Exception {
        AuthProperties on = props("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
        AuthProperties off = new AuthProperties(on.secretKey(), false, on.issuer(), on.accessTokenTtl(),
                on.refreshTokenTtl(), on.clockSkew(), dir, false, on.oidc(), on.bootstrap(), on.argon2());
        JwtConfig config = new JwtConfig();
        SecretKey key = config.jwtSigningKey(off);
        JwtDecoder decoder = config.jwtDecoder(key, off);
        assertThatThrownBy(() -> decoder.decode(hsToken(key))).isInstanceOf(BadJwtException.class);
        assertThat(decoder.decode(rsaToken("https://idp.example", "waldiez", Instant.now().plusSeconds(60)))
                .getSubject()).isEqualTo("user-1");
    }

    @Test
    void generatedKeyIsPersistedAndReused() throws Exception {
        AuthProperties p = new AuthProperties(null, false, "localhost", Duration.ofMinutes(60), Duration.ofHours(24),
                Duration.ofSeconds(30), dir, true, new AuthProperties.Oidc(null, null, null),
                new AuthProperties.Bootstrap(true, null, null), new AuthProperties.Argon2(4096, 1, 1));
        SecretKey first = SigningKeys.resolve(p);
        SecretKey second = SigningKeys.resolve(p);
        assertThat(second.getEncoded()).isEqualTo(first.getEncoded());
        assertThat(Files.getPosixFilePermissions(dir.resolve(SigningKeys.KEY_FILE)))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        AuthProperties required = new AuthProperties(null, true, "localhost", Duration.ofMinutes(60),
                Duration.ofHours(24), Duration.ofSeconds(30), dir, true, p.oidc(), p.bootstrap(), p.argon2());
        assertThatThrownBy(() -> SigningKeys.resolve(required)).isInstanceOf(IllegalStateException.class);
        AuthProperties tooShort = new AuthProperties("short", false, "localhost", Duration.ofMinutes(60),
                Duration.ofHours(24), Duration.ofSeconds(30), dir, true, p.oidc(), p.bootstrap(), p.argon2());
        assertThatThrownBy(() -> SigningKeys.resolve(tooShort)).isInstanceOf(IllegalStateException.class);
    }
}
