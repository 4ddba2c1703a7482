package io.waldiez.runner.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.waldiez.runner.server.clients.ClientRecord;
import io.waldiez.runner.server.clients.ClientService;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/** Rules applied after signature/issuer/expiry checks: token type, audience, client row. */
class ClientJwtAuthenticationConverterTest {

    private final ClientService clients = mock(ClientService.class);
    private final ClientJwtAuthenticationConverter converter = new ClientJwtAuthenticationConverter(clients);

    private static ClientRecord row(String clientId, String audience, Instant deletedAt) {
        Instant now = Instant.now();
        return new ClientRecord("01" + "0".repeat(30), clientId, "{argon2}x", audience, "n", null, now, now, deletedAt);
    }

    private static Jwt jwt(String alg, String sub, String aud, String type) {
        Jwt.Builder b = Jwt.withTokenValue("t").header("alg", alg).subject(sub).audience(List.of(aud))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60));
        if (type != null) {
            b.claim("type", type);
        }
        return b.build();
    }

    @Test
    void localAccessTokenOfLiveClient() {
        when(clients.findByClientId("c1")).thenReturn(Optional.of(row("c1", Audiences.ADMIN_API, null)));
        ClientAuthentication auth = converter.convert(jwt("HS256", "c1", Audiences.ADMIN_API, "access"));
        assertThat(auth.getPrincipal().clientId()).isEqualTo("c1");
        assertThat(auth.getPrincipal().isAdmin()).isTrue();
        assertThat(auth.getAuthorities()).extracting(Object::toString).containsExactly("AUD_admin-api");
        assertThat(auth.getCredentials()).isEqualTo("");
    }

    @Test
    void refusals() {
        when(clients.findByClientId("c1")).thenReturn(Optional.of(row("c1", Audiences.TASKS_API, null)));
        when(clients.findByClientId("gone")).thenReturn(Optional.of(row("gone", Audiences.TASKS_API, Instant.now())));
        when(clients.findByClientId("ghost")).thenReturn(Optional.empty());
        assertThat(converter.toClient(jwt("HS256", "c1", Audiences.TASKS_API, "refresh"))).isEmpty();
        assertThat(converter.toClient(jwt("HS256", "c1", Audiences.TASKS_API, null))).isEmpty();
        assertThat(converter.toClient(jwt("HS256", "c1", "other-api", "access"))).isEmpty();
        assertThat(converter.toClient(jwt("HS256", "gone", Audiences.TASKS_API, "access"))).isEmpty();
        assertThat(converter.toClient(jwt("HS256", "ghost", Audiences.TASKS_API, "access"))).isEmpty();
        assertThatThrownBy(() -> converter.convert(jwt("HS256", "ghost", Audiences.TASKS_API, "access")))
                .isInstanceOf(InvalidBearerTokenException.class).hasMessage("Invalid credentials.");
    }

    @Test
    void oidcTokensTakeTheAudienceOfTheirClientRow() {
        when(clients.findByClientId("user-1")).thenReturn(Optional.of(row("user-1", Audiences.TASKS_API, null)));
        AuthenticatedClient caller = converter.toClient(jwt("RS256", "user-1", "waldiez", null)).orElseThrow();
        assertThat(caller.audience()).isEqualTo(Audiences.TASKS_API);
        assertThat(caller.isAdmin()).isFalse();
        when(clients.findByClientId("stranger")).thenReturn(Optional.empty());
        assertThat(converter.toClient(jwt("RS256", "stranger", "waldiez", null))).isEmpty();
    }

    @Test
    void ownerOrAdminHelpers() {
        AuthenticatedClient tasks = new AuthenticatedClient("id1", "c1", Audiences.TASKS_API);
        AuthenticatedClient admin = new AuthenticatedClient("id2", "c2", Audiences.ADMIN_API);
        assertThat(tasks.canAccess("id1")).isTrue();
        assertThat(tasks.canAccess("id9")).isFalse();
        assertThat(admin.canAccess("id9")).isTrue();
        assertThat(tasks.requireAudience(Audiences.TASKS_API)).isSameAs(tasks);
        assertThatThrownBy(() -> admin.requireAudience(Audiences.TASKS_API))
                .isInstanceOf(io.waldiez.runner.server.common.ApiException.class)
                .hasMessage("Invalid credentials.");
    }
}
