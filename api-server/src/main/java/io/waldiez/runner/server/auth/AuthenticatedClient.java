package io.waldiez.runner.server.auth;

import io.waldiez.runner.server.common.ApiException;
import java.util.Arrays;
import org.springframework.http.HttpStatus;

/**
 * The caller of an authenticated request. Get it in a controller with
 * {@code @AuthenticationPrincipal AuthenticatedClient caller}.
 *
 * @param id internal client id (ULID hex): what {@code tasks.client_id} stores (spec §3.10)
 * @param clientId public client id (the JWT {@code sub})
 * @param audience the token's audience: tasks-api, clients-api or admin-api
 */
public record AuthenticatedClient(String id, String clientId, String audience) {

    /** Message of every 401 caused by a token that is valid but not good for this route. */
    public static final String INVALID_CREDENTIALS = "Invalid credentials.";

    public boolean isAdmin() {
        return Audiences.ADMIN_API.equals(audience);
    }

    /**
     * 401 {@code Invalid credentials.} unless the caller's audience is one of {@code audiences}; the
     * original answers a wrong audience with 401, not 403 (spec §3.11). Example: input routes are
     * tasks-api only, so {@code caller.requireAudience(Audiences.TASKS_API)}.
     */
    public AuthenticatedClient requireAudience(String... audiences) {
        if (!Arrays.asList(audiences).contains(audience)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, INVALID_CREDENTIALS);
        }
        return this;
    }

    /** Owner-or-admin rule of the task routes: admin-api sees everything, tasks-api its own. */
    public boolean canAccess(String ownerId) {
        return isAdmin() || id.equals(ownerId);
    }
}
