package io.waldiez.runner.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * JWT encoding and decoding with Spring Security's Nimbus classes.
 *
 * <p>The API decoder dispatches on the token's {@code alg}: HS256 → the local key (issuer, expiry
 * with leeway); anything else → the optional OIDC provider's JWKS (issuer, expiry, its audience).
 */
@Configuration(proxyBeanMethods = false)
public class JwtConfig {

    private static final Logger log = LoggerFactory.getLogger(JwtConfig.class);

    @Bean
    SecretKey jwtSigningKey(AuthProperties props) {
        return SigningKeys.resolve(props);
    }

    @Bean
    JwtEncoder jwtEncoder(SecretKey jwtSigningKey) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(jwtSigningKey));
    }

    /** Local tokens without the expiry check: the refresh endpoint reports expiry itself. */
    @Bean
    @Qualifier("refreshJwtDecoder")
    JwtDecoder refreshJwtDecoder(SecretKey jwtSigningKey, AuthProperties props) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(jwtSigningKey).macAlgorithm(MacAlgorithm.HS256).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtIssuerValidator(props.issuer()), required(JwtClaimNames.EXP)));
        decoder.setClaimSetConverter(issuedAtRequired());
        return decoder;
    }

    /** The decoder of bearer tokens on API routes (and of {@link TokenVerifier}). */
    @Bean
    @Primary
    JwtDecoder jwtDecoder(SecretKey jwtSigningKey, AuthProperties props) {
        JwtDecoder local = null;
        if (props.localEnabled()) {
            NimbusJwtDecoder decoder =
                    NimbusJwtDecoder.withSecretKey(jwtSigningKey).macAlgorithm(MacAlgorithm.HS256).build();
            // Every token this server issues has exp and iat; one without them would never expire.
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                    new JwtTimestampValidator(props.clockSkew()), new JwtIssuerValidator(props.issuer()),
                    required(JwtClaimNames.EXP)));
            decoder.setClaimSetConverter(issuedAtRequired());
            local = decoder;
        }
        JwtDecoder oidc = null;
        if (props.oidc().enabled()) {
            oidc = oidcDecoder(props);
            log.info("OIDC tokens accepted from issuer {} (JWKS {})", props.oidc().issuerUri(), props.oidc().jwksUri());
        }
        return new AlgorithmDispatchingJwtDecoder(local, oidc);
    }

    static JwtDecoder oidcDecoder(AuthProperties props) {
        AuthProperties.Oidc oidc = props.oidc();
        // Like the original: issuer, audience and JWKS are all required once OIDC is on.
        if (oidc.issuerUri() == null || oidc.issuerUri().isBlank()
                || oidc.audience() == null || oidc.audience().isBlank()) {
            throw new IllegalStateException(
                    "waldiez.auth.oidc.jwks-uri needs waldiez.auth.oidc.issuer-uri and waldiez.auth.oidc.audience");
        }
        // Lazy: the JWKS is fetched (and cached by Nimbus) on first use, so startup needs no network.
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(oidc.jwksUri())
                .jwsAlgorithms(algs -> {
                    algs.clear();
                    algs.addAll(List.of(
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256,
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS384,
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS512,
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES256,
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.PS256));
                })
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(props.clockSkew()),
                new JwtIssuerValidator(oidc.issuerUri()),
                required(JwtClaimNames.EXP),
                audienceValidator(oidc.audience()))));
        return decoder;
    }

    /** The claim must be present (Spring's timestamp validator accepts a token without exp). */
    static OAuth2TokenValidator<Jwt> required(String claim) {
        return new JwtClaimValidator<Object>(claim, Objects::nonNull);
    }

    /**
     * Spring's claim conversion invents {@code iat} (exp minus 1 s) when a token has none, so the
     * check happens before it.
     */
    static Converter<Map<String, Object>, Map<String, Object>> issuedAtRequired() {
        MappedJwtClaimSetConverter defaults = MappedJwtClaimSetConverter.withDefaults(Map.of());
        return claims -> {
            if (claims.get(JwtClaimNames.IAT) == null) {
                throw new BadJwtException("The iat claim is required");
            }
            return defaults.convert(claims);
        };
    }

    static OAuth2TokenValidator<Jwt> audienceValidator(String audience) {
        OAuth2Error error = new OAuth2Error("invalid_token", "The required audience is missing", null);
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(error);
    }

    /** HS256 → local decoder, asymmetric algorithms → OIDC decoder; a missing side rejects. */
    static final class AlgorithmDispatchingJwtDecoder implements JwtDecoder {
        private final JwtDecoder local;
        private final JwtDecoder oidc;

        AlgorithmDispatchingJwtDecoder(JwtDecoder local, JwtDecoder oidc) {
            this.local = local;
            this.oidc = oidc;
        }

        @Override
        public Jwt decode(String token) {
            JWSAlgorithm alg;
            try {
                var header = JWTParser.parse(token).getHeader();
                alg = header.getAlgorithm() instanceof JWSAlgorithm jws ? jws : null;
            } catch (ParseException e) {
                throw new BadJwtException("Malformed token", e);
            }
            if (alg == null) {
                throw new BadJwtException("Unsigned tokens are not accepted");
            }
            if (JWSAlgorithm.HS256.equals(alg)) {
                if (local == null) {
                    throw new BadJwtException("Local tokens are disabled");
                }
                return local.decode(token);
            }
            if (oidc == null) {
                throw new BadJwtException("Unsupported token algorithm " + alg);
            }
            return oidc.decode(token);
        }

    }
}
