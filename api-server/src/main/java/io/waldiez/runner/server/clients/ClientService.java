package io.waldiez.runner.server.clients;

import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.common.ApiException;
import io.waldiez.runner.server.common.Ids;
import io.waldiez.runner.server.common.Page;
import io.waldiez.runner.server.common.PageParams;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Client records: creation with hashed secrets, lookup, credential checks, listing and deletion. */
@Service
public class ClientService {

    /** Sortable columns of {@code GET /api/v1/clients} (spec §4.13). */
    public static final List<String> ORDER_BY = List.of("client_id", "audience", "description", "name");

    private static final Logger log = LoggerFactory.getLogger(ClientService.class);

    private final ClientRepository repository;
    private final JdbcAggregateTemplate aggregates;
    private final JdbcClient jdbc;
    private final PasswordEncoder passwordEncoder;

    public ClientService(ClientRepository repository, JdbcAggregateTemplate aggregates, JdbcClient jdbc,
            PasswordEncoder passwordEncoder) {
        this.repository = repository;
        this.aggregates = aggregates;
        this.jdbc = jdbc;
        this.passwordEncoder = passwordEncoder;
    }

    /** A created client and its plain secret (shown once, never stored). */
    public record CreatedClient(ClientRecord client, String plainSecret) {}

    /**
     * Creates a client. Missing client id / secret are generated (64 / 128 hex chars, as the original).
     *
     * @throws ApiException 400 for an unknown audience or a client id that is taken
     */
    public CreatedClient create(String clientId, String plainSecret, String audience, String name, String description) {
        String aud = audience == null ? Audiences.TASKS_API : audience;
        if (!Audiences.isKnown(aud)) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "Invalid audience. Must be one of: " + String.join(", ", Audiences.ALL) + ".");
        }
        String publicId = clientId == null ? Ids.randomHex(32) : clientId;
        String secret = plainSecret == null ? Ids.randomHex(64) : plainSecret;
        Instant now = now();
        ClientRecord record = new ClientRecord(Ids.newId(), publicId, passwordEncoder.encode(secret), aud,
                name == null ? "Default" : name, description, now, now, null);
        if (repository.findByClientId(publicId).isPresent()) {
            throw duplicate();
        }
        try {
            aggregates.insert(record);
        } catch (DataAccessException e) {
            // A concurrent create with the same client_id (Spring Data JDBC wraps the driver error).
            if (NestedExceptionUtils.getMostSpecificCause(e) instanceof SQLException sql
                    && "23505".equals(sql.getSQLState())) {
                throw duplicate();
            }
            throw e;
        }
        log.info("Created client id={} audience={}", record.id(), aud);
        return new CreatedClient(record, secret);
    }

    private static ApiException duplicate() {
        return new ApiException(HttpStatus.BAD_REQUEST, "A client with this client_id already exists.");
    }

    public Optional<ClientRecord> findById(String id) {
        return repository.findById(id);
    }

    public ClientRecord get(String id) {
        return repository.findById(id).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "Client not found."));
    }

    public Optional<ClientRecord> findByClientId(String clientId) {
        return repository.findByClientId(clientId);
    }

    public boolean existsByAudience(String audience) {
        return repository.existsByAudience(audience);
    }

    public long count() {
        return repository.count();
    }

    /**
     * The non-deleted client with these credentials, if the secret matches. Upgrades the stored hash
     * when the encoder says so (e.g. bcrypt → argon2), like the original's rehash on login.
     */
    public Optional<ClientRecord> authenticate(String clientId, String plainSecret) {
        Optional<ClientRecord> found = repository.findByClientId(clientId);
        if (found.isEmpty()) {
            // Same cost as a real check, so timing does not reveal which client ids exist.
            passwordEncoder.matches(plainSecret, dummyHash());
            return Optional.empty();
        }
        ClientRecord client = found.get();
        if (client.isDeleted() || !passwordEncoder.matches(plainSecret, client.clientSecret())) {
            return Optional.empty();
        }
        if (passwordEncoder.upgradeEncoding(client.clientSecret())) {
            String hash = passwordEncoder.encode(plainSecret);
            // Compare-and-set on the old hash: a concurrent login may have upgraded it already.
            jdbc.sql("UPDATE clients SET client_secret = :new WHERE id = :id AND client_secret = :old")
                    .param("new", hash).param("id", client.id()).param("old", client.clientSecret())
                    .update();
            client = client.withSecretHash(hash, client.updatedAt());
        }
        return Optional.of(client);
    }

    public ClientRecord update(String id, String name, String description) {
        ClientRecord current = get(id);
        ClientRecord updated = current.withDetails(
                name != null ? name : current.name(),
                description != null ? description : current.description(),
                now());
        return repository.save(updated);
    }

    /**
     * Gives a client a new generated secret (the old one stops working at once) and returns it: the
     * only time it is shown. Tokens issued before stay valid until they expire (access and refresh
     * TTLs); delete the client to stop them at once.
     *
     * @throws ApiException 404 when there is no such client
     */
    public CreatedClient rotateSecret(String id) {
        ClientRecord client = get(id);
        String secret = Ids.randomHex(64);
        jdbc.sql("UPDATE clients SET client_secret = :hash, updated_at = :now WHERE id = :id")
                .param("hash", passwordEncoder.encode(secret)).param("now", Timestamp.from(now())).param("id", id).update();
        log.info("Rotated the secret of client id={}", id);
        return new CreatedClient(get(client.id()), secret);
    }

    /**
     * Hard delete of one client (204 even when missing, as the original).
     *
     * @throws ApiException 403 when a client tries to delete itself
     */
    public void delete(String id, String callerId) {
        if (id.equals(callerId)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "You are not allowed to delete this client.");
        }
        repository.deleteById(id);
    }

    /**
     * Bulk hard delete of the clients matching every given filter, never the caller. Audiences
     * outside the known three are dropped from the filter; with no effective filter every other
     * client goes (the original's behaviour).
     *
     * @return how many rows were deleted
     */
    @Transactional
    public int deleteMany(Collection<String> ids, Collection<String> audiences, String callerId) {
        if (ids != null && ids.contains(callerId)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "You cannot delete the client you use to make this request.");
        }
        List<String> known = audiences == null ? List.of()
                : audiences.stream().filter(Audiences::isKnown).distinct().toList();
        StringBuilder sql = new StringBuilder("DELETE FROM clients WHERE id <> :caller");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("caller", callerId);
        if (ids != null && !ids.isEmpty()) {
            sql.append(" AND id IN (:ids)");
            params.put("ids", List.copyOf(ids));
        }
        if (!known.isEmpty()) {
            sql.append(" AND audience IN (:audiences)");
            params.put("audiences", known);
        }
        int deleted = jdbc.sql(sql.toString()).params(params).update();
        log.info("Bulk-deleted {} client(s) on request of client id={}", deleted, callerId);
        return deleted;
    }

    /**
     * One page of clients. {@code orderBy} must be one of {@link #ORDER_BY} or null (validated by the
     * caller); default order is created_at ascending.
     */
    public Page<ClientRecord> list(PageParams paging, String search, String orderBy, boolean descending) {
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (search != null && !search.isBlank()) {
            where.add("(name ILIKE :search ESCAPE '\\' OR description ILIKE :search ESCAPE '\\'"
                    + " OR client_id ILIKE :search ESCAPE '\\')");
            params.put("search", "%" + escapeLike(search) + "%");
        }
        String whereSql = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        String column = orderBy != null && ORDER_BY.contains(orderBy) ? orderBy : "created_at";
        String direction = descending ? "DESC" : "ASC";
        long total = jdbc.sql("SELECT count(*) FROM clients" + whereSql).params(params).query(Long.class).single();
        params.put("limit", paging.size());
        params.put("offset", paging.offset());
        List<ClientRecord> items = jdbc.sql("SELECT * FROM clients" + whereSql
                        + " ORDER BY " + column + " " + direction + " NULLS LAST, id " + direction
                        + " LIMIT :limit OFFSET :offset")
                .params(params)
                .query(ClientService::map)
                .list();
        return Page.of(items, total, paging);
    }

    private static ClientRecord map(ResultSet rs, int row) throws SQLException {
        return new ClientRecord(rs.getString("id"), rs.getString("client_id"), rs.getString("client_secret"),
                rs.getString("audience"), rs.getString("name"), rs.getString("description"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "deleted_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** PostgreSQL keeps microseconds; truncating here makes API output equal to what is stored. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private volatile String dummyHash;

    /** A hash of a random secret, computed once, used to equalise timing for unknown client ids. */
    private String dummyHash() {
        if (dummyHash == null) {
            dummyHash = passwordEncoder.encode(Ids.randomHex(16));
        }
        return dummyHash;
    }
}
