package io.waldiez.runner.server.auth;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** Body of {@code POST /auth/token} and {@code /auth/token/refresh} (spec §3.4). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokensResponse(
        String accessToken, String refreshToken, String tokenType, Instant expiresAt, Instant refreshExpiresAt,
        String audience) {

    /** Tokens are credentials: keep them out of logs. */
    @Override
    public String toString() {
        return "TokensResponse[audience=" + audience + ", expiresAt=" + expiresAt + "]";
    }
}
