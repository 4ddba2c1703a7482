package io.waldiez.runner.server.web;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.TokenService;
import io.waldiez.runner.server.web.HostileRequests.Who;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Tokens a hostile caller could hold: signed with the server's real key but missing {@code exp} or
 * {@code iat}, with two audiences, for another subject or issuer; or unsigned, or signed elsewhere.
 */
final class HostileTokens {

    private final JwtEncoder realKey;
    private final String issuer;

    HostileTokens(JwtEncoder realKey, String issuer) {
        this.realKey = realKey;
        this.issuer = issuer;
    }

    Map<Who, String> forSubject(String clientId) {
        Instant now = Instant.now();
        Map<Who, String> out = new EnumMap<>(Who.class);
        out.put(Who.NO_EXP, sign(realKey, clientId, c -> c.issuedAt(now)));
        out.put(Who.NO_IAT, sign(realKey, clientId, c -> c.expiresAt(now.plusSeconds(600))));
        out.put(Who.MULTI_AUD, sign(realKey, clientId, c -> c.issuedAt(now).expiresAt(now.plusSeconds(600))
                .audience(List.of(Audiences.TASKS_API, Audiences.ADMIN_API))));
        out.put(Who.EXPIRED, sign(realKey, clientId, c -> c.issuedAt(now.minusSeconds(7200))
                .expiresAt(now.minusSeconds(3600))));
        out.put(Who.REFRESH, sign(realKey, clientId, c -> c.issuedAt(now).expiresAt(now.plusSeconds(600))
                .claim(TokenService.TYPE_CLAIM, TokenService.REFRESH)));
        out.put(Who.WRONG_ISSUER, sign(realKey, clientId, c -> c.issuedAt(now).expiresAt(now.plusSeconds(600))
                .issuer("https://elsewhere.example")));
        out.put(Who.UNKNOWN_SUBJECT, sign(realKey, "no-such-client-" + now.toEpochMilli(),
                c -> c.issuedAt(now).expiresAt(now.plusSeconds(600))));
        byte[] otherSecret = "another server's key, 32 bytes or more".getBytes(StandardCharsets.UTF_8);
        JwtEncoder otherKey = new NimbusJwtEncoder(new ImmutableSecret<>(new SecretKeySpec(otherSecret, "HmacSHA256")));
        out.put(Who.OTHER_KEY, sign(otherKey, clientId, c -> c.issuedAt(now).expiresAt(now.plusSeconds(600))));
        out.put(Who.ALG_NONE, unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"sub\":\"" + clientId
                + "\",\"aud\":\"tasks-api\",\"type\":\"access\",\"iss\":\"" + issuer + "\",\"exp\":"
                + now.plusSeconds(600).getEpochSecond() + "}"));
        out.put(Who.GARBAGE, "a.b.c");
        return out;
    }

    /** A tasks-api access token of {@code subject}; {@code claims} adds (or overrides) the rest. */
    private String sign(JwtEncoder encoder, String subject, Consumer<JwtClaimsSet.Builder> claims) {
        JwtClaimsSet.Builder b = JwtClaimsSet.builder().subject(subject).issuer(issuer)
                .audience(List.of(Audiences.TASKS_API)).claim(TokenService.TYPE_CLAIM, TokenService.ACCESS);
        claims.accept(b);
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
        return encoder.encode(JwtEncoderParameters.from(header, b.build())).getTokenValue();
    }

    private static String unsigned(String header, String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
