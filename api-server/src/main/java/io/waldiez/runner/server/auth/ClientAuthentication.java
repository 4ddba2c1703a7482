package io.waldiez.runner.server.auth;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/** Authentication of an API request: the principal is the {@link AuthenticatedClient}. */
public class ClientAuthentication extends AbstractAuthenticationToken {

    private final AuthenticatedClient client;
    private final transient Jwt jwt;

    public ClientAuthentication(AuthenticatedClient client, Jwt jwt) {
        super(List.of(Audiences.grantedAuthority(client.audience())));
        this.client = client;
        this.jwt = jwt;
        setAuthenticated(true);
    }

    @Override
    public AuthenticatedClient getPrincipal() {
        return client;
    }

    /** The token itself is never exposed as credentials (keeps it out of accidental logs). */
    @Override
    public Object getCredentials() {
        return "";
    }

    public Jwt getJwt() {
        return jwt;
    }

    @Override
    public String getName() {
        return client.id();
    }
}
