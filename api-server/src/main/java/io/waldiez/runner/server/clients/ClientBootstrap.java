package io.waldiez.runner.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.AuthProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * First start: on an empty clients table, create the clients-api, tasks-api and admin-api clients
 * and append them, with their plain secrets, to {@code <credentials dir>/clients.json} (mode 0600),
 * the original's format. Only the path and the client ids are logged.
 */
@Component
@Order(0)
public class ClientBootstrap implements ApplicationRunner {

    public static final String FILE_NAME = "clients.json";
    private static final Logger log = LoggerFactory.getLogger(ClientBootstrap.class);

    private final ClientService clients;
    private final AuthProperties props;
    private final ObjectMapper mapper;

    public ClientBootstrap(ClientService clients, AuthProperties props, ObjectMapper mapper) {
        this.clients = clients;
        this.props = props;
        this.mapper = mapper;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (props.bootstrap().enabled()) {
            bootstrap();
        }
    }

    /** @return the clients created now (empty when the table already had rows) */
    public synchronized List<ClientService.CreatedClient> bootstrap() {
        if (clients.count() > 0) {
            return List.of();
        }
        AuthProperties.Bootstrap b = props.bootstrap();
        List<ClientService.CreatedClient> created = new ArrayList<>();
        created.add(clients.create(blankToNull(b.clientsApiClientId()), blankToNull(b.clientsApiClientSecret()),
                Audiences.CLIENTS_API, "Default clients-api client",
                "Default client to handle other clients using the API"));
        created.add(clients.create(null, null, Audiences.TASKS_API, "Tasks client", "Tasks management API"));
        created.add(clients.create(null, null, Audiences.ADMIN_API, "Admin client", "Admin management API"));
        Path file = credentialsFile();
        append(file, created);
        log.info("Created the first clients ({}) and wrote their credentials to {}",
                created.stream().map(c -> c.client().audience() + "=" + c.client().clientId()).toList(),
                file.toAbsolutePath());
        return created;
    }

    public Path credentialsFile() {
        return props.credentialsDir().resolve(FILE_NAME);
    }

    private void append(Path file, List<ClientService.CreatedClient> created) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ArrayNode array = mapper.createArrayNode();
            if (Files.exists(file)) {
                // Never lose credentials written earlier (the original only appends).
                JsonNode existing = readQuietly(file);
                if (existing != null && existing.isArray()) {
                    array.addAll((ArrayNode) existing);
                }
            }
            for (ClientService.CreatedClient c : created) {
                ObjectNode node = array.addObject();
                node.put("id", c.client().id());
                node.put("client_id", c.client().clientId());
                node.put("client_secret", c.plainSecret());
                node.put("audience", c.client().audience());
                node.put("name", c.client().name());
                node.put("description", c.client().description());
            }
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            mapper.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), array);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private JsonNode readQuietly(Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            // Keep the unreadable file: it may hold the only copy of earlier secrets.
            Path aside = file.resolveSibling(FILE_NAME + ".invalid-" + System.currentTimeMillis());
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                throw new UncheckedIOException("Cannot move aside the unreadable " + file, moveFailed);
            }
            log.warn("{} is not valid JSON; moved it to {} and writing a new one", file.toAbsolutePath(), aside);
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
