package io.waldiez.runner.server.clients;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** JSON shapes of the clients API (spec §5.2), snake_case like the original. */
public final class ClientDtos {

    /** PostgreSQL text cannot hold NUL characters. */
    static final String NO_NUL = "[^\\x00]*";
    static final String NUL_MESSAGE = "must not contain NUL characters";

    private ClientDtos() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClientResponse(
            String id, String clientId, String audience, String name, String description,
            Instant createdAt, Instant updatedAt) {

        static ClientResponse of(ClientRecord c) {
            return new ClientResponse(c.id(), c.clientId(), c.audience(), c.name(), c.description(),
                    c.createdAt(), c.updatedAt());
        }
    }

    /** The only response that ever carries a plain secret. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClientCreateResponse(
            String id, String clientId, String audience, String name, String description,
            Instant createdAt, Instant updatedAt, String clientSecret) {

        static ClientCreateResponse of(ClientRecord c, String plainSecret) {
            return new ClientCreateResponse(c.id(), c.clientId(), c.audience(), c.name(), c.description(),
                    c.createdAt(), c.updatedAt(), plainSecret);
        }
    }

    /** Unknown keys are ignored (Boot's default FAIL_ON_UNKNOWN_PROPERTIES=false). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClientCreate(
            @Size(min = 1, max = 255) @Pattern(regexp = "[^\\s\\x00]+", message = "must not contain whitespace or NUL characters") String clientId,
            @Size(min = 1, max = 1024) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String plainSecret,
            String audience,
            @NotBlank @Size(max = 255) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String name,
            @Size(max = 4096) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String description) {

        public ClientCreate {
            name = name == null ? "Default" : name;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClientUpdate(
            @Size(min = 1, max = 255) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String name,
            @Size(max = 4096) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String description) {}
}
