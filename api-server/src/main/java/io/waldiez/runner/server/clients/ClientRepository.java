package io.waldiez.runner.server.clients;

import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

public interface ClientRepository extends ListCrudRepository<ClientRecord, String> {

    Optional<ClientRecord> findByClientId(String clientId);

    boolean existsByAudience(String audience);
}
