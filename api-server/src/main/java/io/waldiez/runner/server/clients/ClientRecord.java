package io.waldiez.runner.server.clients;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code clients}; {@code clientSecret} is a password-encoder hash, never plain. */
@Table("clients")
public record ClientRecord(
        @Id String id,
        String clientId,
        String clientSecret,
        String audience,
        String name,
        String description,
        Instant createdAt,
        Instant updatedAt,
        Instant deletedAt) {

    public boolean isDeleted() {
        return deletedAt != null;
    }

    ClientRecord withSecretHash(String hash, Instant now) {
        return new ClientRecord(id, clientId, hash, audience, name, description, createdAt, now, deletedAt);
    }

    ClientRecord withDetails(String newName, String newDescription, Instant now) {
        return new ClientRecord(id, clientId, clientSecret, audience, newName, newDescription, createdAt, now, deletedAt);
    }

    /** Hashes are never printed, even by accident. */
    @Override
    public String toString() {
        return "ClientRecord[id=" + id + ", clientId=" + clientId + ", audience=" + audience + "]";
    }
}
