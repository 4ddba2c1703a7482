package io.waldiez.runner.server.auth;

import io.waldiez.runner.server.clients.ClientRecord;
import io.waldiez.runner.server.clients.ClientService;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Turns a decoded (signature, issuer and expiry already checked) JWT into a {@link ClientAuthentication}.
 *
 * <p>Rules, a superset of the original's: the {@code sub} must name an existing, non-deleted client;
 * local tokens must be {@code type: access} (the original also accepted refresh tokens here; no
 * official client relies on that) and carry one known audience; OIDC tokens (no {@code type} claim)
 * get the audience registered for their client row.
 */
@Component
public class ClientJwtAuthenticationConverter implements Converter<Jwt, ClientAuthentication> {

    private final ClientService clients;

    public ClientJwtAuthenticationConverter(ClientService clients) {
        this.clients = clients;
    }

    @Override
    public ClientAuthentication convert(Jwt jwt) {
        return toClient(jwt)
                .map(client -> new ClientAuthentication(client, jwt))
                .orElseThrow(() -> new InvalidBearerTokenException(AuthenticatedClient.INVALID_CREDENTIALS));
    }

    /** The caller a valid token stands for, or empty if the token must be refused. */
    public Optional<AuthenticatedClient> toClient(Jwt jwt) {
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            return Optional.empty();
        }
        boolean local = "HS256".equals(String.valueOf(jwt.getHeaders().get("alg")));
        String tokenAudience = TokenService.singleAudience(jwt);
        if (local && (!TokenService.ACCESS.equals(jwt.getClaimAsString(TokenService.TYPE_CLAIM))
                || !Audiences.isKnown(tokenAudience))) {
            return Optional.empty();
        }
        Optional<ClientRecord> row = clients.findByClientId(subject).filter(c -> !c.isDeleted());
        return row.map(c -> new AuthenticatedClient(c.id(), c.clientId(), local ? tokenAudience : c.audience()));
    }
}
