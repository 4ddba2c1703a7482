package io.waldiez.runner.server.auth;

import java.util.Optional;
import java.util.Set;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Service;

/**
 * Checks a raw bearer token outside Spring Security's filter chain (WebSocket handshakes, SSE):
 * the same decoder and rules as the REST routes.
 */
@Service
public class TokenVerifier {

    private final JwtDecoder decoder;
    private final ClientJwtAuthenticationConverter converter;

    public TokenVerifier(JwtDecoder decoder, ClientJwtAuthenticationConverter converter) {
        this.decoder = decoder;
        this.converter = converter;
    }

    /**
     * @param audiences accepted audiences, e.g. {@code Set.of(Audiences.TASKS_API)}
     * @return the caller, or empty for a missing, malformed, forged, expired or wrong-audience token,
     *     or one whose client is gone
     */
    public Optional<AuthenticatedClient> verify(String jwt, Set<String> audiences) {
        if (jwt == null || jwt.isBlank()) {
            return Optional.empty();
        }
        try {
            return converter.toClient(decoder.decode(jwt.strip()))
                    .filter(client -> audiences.contains(client.audience()));
        } catch (JwtException e) {
            return Optional.empty();
        }
    }
}
