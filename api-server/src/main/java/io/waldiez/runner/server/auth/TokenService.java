package io.waldiez.runner.server.auth;

import io.waldiez.runner.server.clients.ClientRecord;
import io.waldiez.runner.server.clients.ClientService;
import io.waldiez.runner.server.common.ApiException;
import io.waldiez.runner.server.common.Ids;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Service;

/** Issues and refreshes local HS256 token pairs (spec §3.4-3.6). */
@Service
public class TokenService {

    public static final String TYPE_CLAIM = "type";
    public static final String ACCESS = "access";
    public static final String REFRESH = "refresh";

    private final JwtEncoder encoder;
    private final JwtDecoder refreshDecoder;
    private final ClientService clients;
    private final AuthProperties props;

    public TokenService(JwtEncoder encoder, @Qualifier("refreshJwtDecoder") JwtDecoder refreshDecoder,
            ClientService clients, AuthProperties props) {
        this.encoder = encoder;
        this.refreshDecoder = refreshDecoder;
        this.clients = clients;
        this.props = props;
    }

    /** Checks credentials and issues a pair; 401 {@code Invalid credentials.} on any mismatch. */
    public TokensResponse issue(String clientId, String clientSecret) {
        requireLocalAuth();
        if (clientId.indexOf('\0') >= 0 || clientSecret.indexOf('\0') >= 0) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, AuthenticatedClient.INVALID_CREDENTIALS);
        }
        ClientRecord client = clients.authenticate(clientId, clientSecret)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, AuthenticatedClient.INVALID_CREDENTIALS));
        return issueFor(client);
    }

    /** A fresh pair for a known client, no secret check (bootstrap tools and tests). */
    public TokensResponse issueFor(ClientRecord client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant accessExp = now.plus(props.accessTokenTtl());
        Instant refreshExp = now.plus(props.refreshTokenTtl());
        return new TokensResponse(
                encode(client.clientId(), client.audience(), ACCESS, now, accessExp),
                encode(client.clientId(), client.audience(), REFRESH, now, refreshExp),
                "bearer", accessExp, refreshExp, client.audience());
    }

    /** Signs a token with arbitrary times; package-level callers and tests use it for edge cases. */
    public String encode(String subject, String audience, String type, Instant issuedAt, Instant expiresAt) {
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject(subject)
                .audience(List.of(audience))
                .issuer(props.issuer())
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .id(Ids.randomHex(16))
                .claim(TYPE_CLAIM, type)
                .build();
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    /**
     * Exchanges a refresh token for a new pair (spec §3.5). Old refresh tokens stay valid until they
     * expire (no rotation tracking, like the original). Every failure is a 401 with a detail.
     *
     * @param audiences if not empty, the token's {@code aud} must be one of them
     */
    public TokensResponse refresh(String refreshToken, List<String> audiences) {
        requireLocalAuth();
        Jwt jwt;
        try {
            jwt = refreshDecoder.decode(refreshToken);
        } catch (JwtException e) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Invalid refresh token.");
        }
        // No leeway for refresh tokens, as the original.
        if (jwt.getExpiresAt() == null || !jwt.getExpiresAt().isAfter(Instant.now())) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Expired refresh token");
        }
        String tokenAudience = singleAudience(jwt);
        if (audiences != null && !audiences.isEmpty() && !audiences.contains(tokenAudience)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Invalid audience");
        }
        if (!REFRESH.equals(jwt.getClaimAsString(TYPE_CLAIM))) {
            // The original means 400 here but answers 500; 401 is what a client can act on.
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Invalid token type");
        }
        ClientRecord client = Optional.ofNullable(jwt.getSubject()).flatMap(clients::findByClientId)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "Invalid client"));
        if (client.isDeleted()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Client is deleted");
        }
        if (!client.audience().equals(tokenAudience)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Invalid audience");
        }
        return issueFor(client);
    }

    static String singleAudience(Jwt jwt) {
        List<String> aud = jwt.getAudience();
        return aud == null || aud.size() != 1 ? null : aud.get(0);
    }

    private void requireLocalAuth() {
        if (!props.localEnabled()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Token issuance is disabled in OIDC mode.");
        }
    }
}
