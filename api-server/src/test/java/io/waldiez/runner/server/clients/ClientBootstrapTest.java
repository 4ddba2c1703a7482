package io.waldiez.runner.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

class ClientBootstrapTest extends ApiServerIntegrationTest {

    @Autowired
    ClientBootstrap bootstrap;

    @Autowired
    ObjectMapper mapper;

    @Test
    void firstStartWroteThreeClientsWithPlainSecretsMode0600() throws Exception {
        Path file = bootstrap.credentialsFile();
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode array = mapper.readTree(file.toFile());
        assertThat(array.isArray()).isTrue();
        assertThat(array.findValuesAsText("audience"))
                .startsWith(Audiences.CLIENTS_API, Audiences.TASKS_API, Audiences.ADMIN_API);
        for (JsonNode c : array) {
            assertThat(c.fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("id", "client_id", "client_secret", "audience", "name", "description");
            // the DB only has the hash; the file's secret logs in
            ClientRecord row = clientService.findById(c.get("id").asText()).orElseThrow();
            assertThat(row.clientSecret()).doesNotContain(c.get("client_secret").asText());
            ResponseEntity<JsonNode> token = http().post().uri("/auth/token")
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                    .body("client_id=" + c.get("client_id").asText() + "&client_secret=" + c.get("client_secret").asText())
                    .retrieve().toEntity(JsonNode.class);
            assertThat(token.getStatusCode().value()).isEqualTo(200);
            assertThat(token.getBody().get("audience").asText()).isEqualTo(c.get("audience").asText());
        }
        assertThat(array.get(0).get("name").asText()).isEqualTo("Default clients-api client");
    }

    @Test
    void nothingHappensOnANonEmptyTable() throws Exception {
        Path file = bootstrap.credentialsFile();
        byte[] before = Files.readAllBytes(file);
        long rows = clientService.count();
        List<ClientService.CreatedClient> created = bootstrap.bootstrap();
        assertThat(created).isEmpty();
        assertThat(clientService.count()).isEqualTo(rows);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void signingKeyFileIsPrivate() throws Exception {
        Path key = bootstrap.credentialsFile().resolveSibling("jwt-secret.key");
        assertThat(key).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key).strip().length()).isGreaterThanOrEqualTo(32);
    }
}
