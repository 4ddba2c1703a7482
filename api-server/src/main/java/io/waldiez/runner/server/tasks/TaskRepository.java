package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of the {@code tasks} family of tables. Status transitions are conditional updates
 * ({@code WHERE status IN (active)}), so a final status is never overwritten whoever writes second.
 */
@Repository
public class TaskRepository {

    static final String ACTIVE = "('PENDING','RUNNING','WAITING_FOR_INPUT')";
    static final String INACTIVE = "('COMPLETED','CANCELLED','FAILED')";
    private static final String COLUMNS = "id, client_id, flow_id, filename, input_timeout, input_request_id,"
            + " status::text AS status, results::text AS results, status_reason, schedule_type, scheduled_time,"
            + " cron_expression, triggered_at, expires_at, launcher, started_at, finished_at, archived_at,"
            + " created_at, updated_at, deleted_at";
    /** Same, with results left out: lists show results null and must not read big JSON. */
    private static final String LIST_COLUMNS = COLUMNS.replace("results::text AS results", "NULL AS results");

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final RowMapper<TaskRecord> mapper;

    public TaskRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.mapper = this::map;
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- reads

    public Optional<TaskRecord> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = :id AND deleted_at IS NULL")
                .param("id", id).query(mapper).optional();
    }

    /** Including soft-deleted rows: the supervisor still finishes (and archives) their runs. */
    public Optional<TaskRecord> findAny(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = :id").param("id", id).query(mapper).optional();
    }

    public Optional<byte[]> flow(String id) {
        return jdbc.sql("SELECT content FROM task_flows WHERE task_id = :id").param("id", id)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** Filters of list and count (spec §4.2, §4.5). {@code ownerId} null = all clients (admin). */
    public record Filter(String ownerId, TaskStatus status, String search, Boolean active) {
    }

    public List<TaskRecord> list(Filter filter, String orderBy, boolean desc, int limit, long offset) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(filter, params);
        String dir = desc ? " DESC" : " ASC";
        // Qualified: a bare "status" would sort the text alias of the select list, not the enum.
        String order = orderBy == null ? "tasks.created_at" + dir + ", tasks.id" + dir
                : "tasks." + orderBy + dir + ", tasks.created_at" + dir;
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql("SELECT " + LIST_COLUMNS + " FROM tasks WHERE " + where + " ORDER BY " + order
                + " LIMIT :limit OFFSET :offset").params(params).query(mapper).list();
    }

    public long count(Filter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(filter, params);
        return jdbc.sql("SELECT count(*) FROM tasks WHERE " + where).params(params).query(Long.class).single();
    }

    private static String where(Filter f, Map<String, Object> params) {
        StringBuilder sql = new StringBuilder("deleted_at IS NULL");
        if (f.ownerId() != null) {
            sql.append(" AND client_id = :owner");
            params.put("owner", f.ownerId());
        }
        if (f.status() != null) {
            sql.append(" AND status = CAST(:status AS task_status)");
            params.put("status", f.status().name());
        }
        if (Boolean.TRUE.equals(f.active())) {
            sql.append(" AND status IN " + ACTIVE);
        } else if (Boolean.FALSE.equals(f.active())) {
            sql.append(" AND status IN " + INACTIVE);
        }
        if (f.search() != null && !f.search().isEmpty()) {
            // Substring of the filename, or of the status text (search=run matches RUNNING).
            String needle = f.search().toLowerCase(Locale.ROOT);
            List<String> statuses = new ArrayList<>();
            for (TaskStatus s : TaskStatus.values()) {
                if (s.name().toLowerCase(Locale.ROOT).contains(needle)) {
                    statuses.add("'" + s.name() + "'");
                }
            }
            sql.append(" AND (filename ILIKE :search ESCAPE '\\'");
            if (!statuses.isEmpty()) {
                sql.append(" OR status IN (").append(String.join(",", statuses)).append(")");
            }
            sql.append(")");
            params.put("search", "%" + f.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        return sql.toString();
    }

    public long countActive(String ownerId) {
        return jdbc.sql("SELECT count(*) FROM tasks WHERE client_id = :owner AND deleted_at IS NULL AND status IN " + ACTIVE)
                .param("owner", ownerId).query(Long.class).single();
    }

    public Optional<TaskRecord> findActiveByFlowId(String ownerId, String flowId) {
        return jdbc.sql("SELECT " + LIST_COLUMNS + " FROM tasks WHERE client_id = :owner AND flow_id = :flow"
                        + " AND deleted_at IS NULL AND status IN " + ACTIVE + " ORDER BY created_at LIMIT 1")
                .param("owner", ownerId).param("flow", flowId).query(mapper).optional();
    }

    /** Non-deleted tasks per status, every status present (zeros included). */
    public Map<TaskStatus, Long> countByStatus() {
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : TaskStatus.values()) {
            out.put(s, 0L);
        }
        jdbc.sql("SELECT status::text, count(*) FROM tasks WHERE deleted_at IS NULL GROUP BY status")
                .query((ResultSet rs) -> {
                    out.put(TaskStatus.valueOf(rs.getString(1)), rs.getLong(2));
                });
        return out;
    }

    /** Active tasks of a launcher mode (restart recovery). */
    public List<String> activeIds(String launcher) {
        return jdbc.sql("SELECT id FROM tasks WHERE status IN " + ACTIVE + " AND (launcher = :launcher OR launcher IS NULL)")
                .param("launcher", launcher).query(String.class).list();
    }

    // ---------------------------------------------------------------- writes

    public void insert(TaskRecord t, byte[] flow) {
        jdbc.sql("INSERT INTO tasks (id, client_id, flow_id, filename, input_timeout, status, launcher, expires_at,"
                        + " created_at, updated_at) VALUES (:id, :client, :flow, :filename, :timeout, 'PENDING',"
                        + " :launcher, :expires, :created, :created)")
                .param("id", t.id()).param("client", t.clientId()).param("flow", t.flowId())
                .param("filename", t.filename()).param("timeout", t.inputTimeout()).param("launcher", t.launcher())
                .param("expires", t.expiresAt() == null ? null : ts(t.expiresAt()))
                .param("created", ts(t.createdAt())).update();
        jdbc.sql("INSERT INTO task_flows (task_id, content) VALUES (:id, :content)")
                .param("id", t.id()).param("content", flow).update();
    }

    /** PENDING/WAITING → RUNNING (runner started, or an input was answered). */
    public boolean markRunning(String id, Instant at) {
        return jdbc.sql("UPDATE tasks SET status = 'RUNNING', input_request_id = NULL, results = NULL,"
                        + " started_at = COALESCE(started_at, :at), triggered_at = COALESCE(triggered_at, :at),"
                        + " updated_at = :at WHERE id = :id AND status IN " + ACTIVE)
                .param("id", id).param("at", ts(at)).update() == 1;
    }

    public boolean markWaiting(String id, String requestId, Instant at) {
        return jdbc.sql("UPDATE tasks SET status = 'WAITING_FOR_INPUT', input_request_id = :req, results = NULL,"
                        + " started_at = COALESCE(started_at, :at), updated_at = :at WHERE id = :id AND status IN " + ACTIVE)
                .param("id", id).param("req", requestId).param("at", ts(at)).update() == 1;
    }

    /** The run process was started (original's triggered_at). */
    public void markTriggered(String id, Instant at) {
        jdbc.sql("UPDATE tasks SET triggered_at = COALESCE(triggered_at, :at) WHERE id = :id")
                .param("id", id).param("at", ts(at)).update();
    }

    /** Active → final. False when the task was already final (e.g. CANCELLED by its owner). */
    public boolean markFinal(String id, TaskStatus status, JsonNode results, String reason, Instant at, boolean archived) {
        return jdbc.sql("UPDATE tasks SET status = CAST(:status AS task_status), results = CAST(:results AS jsonb),"
                        + " status_reason = :reason, input_request_id = NULL, finished_at = :at, updated_at = :at,"
                        + " archived_at = CASE WHEN :archived THEN :at ELSE archived_at END"
                        + " WHERE id = :id AND status IN " + ACTIVE)
                .param("id", id).param("status", status.name()).param("results", toJson(results))
                .param("reason", reason).param("at", ts(at)).param("archived", archived).update() == 1;
    }

    public void markArchived(String id, Instant at) {
        jdbc.sql("UPDATE tasks SET archived_at = :at WHERE id = :id AND archived_at IS NULL")
                .param("id", id).param("at", ts(at)).update();
    }

    /** PATCH: only the given columns (already validated), only while active. */
    public boolean update(String id, Map<String, Object> columns, Instant at) {
        StringBuilder sql = new StringBuilder("UPDATE tasks SET updated_at = :at");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("at", ts(at));
        params.put("id", id);
        columns.forEach((col, value) -> {
            switch (col) {
                case "results" -> {
                    sql.append(", results = CAST(:results AS jsonb)");
                    params.put("results", toJson((JsonNode) value));
                }
                case "scheduled_time", "expires_at" -> {
                    sql.append(", ").append(col).append(" = :").append(col);
                    params.put(col, value == null ? null : ts((Instant) value));
                }
                case "schedule_type", "cron_expression" -> {
                    sql.append(", ").append(col).append(" = :").append(col);
                    params.put(col, value);
                }
                default -> throw new IllegalArgumentException("not updatable: " + col);
            }
        });
        sql.append(" WHERE id = :id AND deleted_at IS NULL AND status IN " + ACTIVE);
        return jdbc.sql(sql.toString()).params(params).update() == 1;
    }

    public boolean softDelete(String id, Instant at) {
        return jdbc.sql("UPDATE tasks SET deleted_at = :at, updated_at = :at WHERE id = :id AND deleted_at IS NULL")
                .param("id", id).param("at", ts(at)).update() == 1;
    }

    /** Ids of tasks a bulk delete touches ({@code ownerId} null: any owner; {@code ids} null: all). */
    public List<TaskRecord> findForBulkDelete(String ownerId, Collection<String> ids, boolean includeActive) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder("SELECT " + LIST_COLUMNS + " FROM tasks WHERE deleted_at IS NULL");
        if (ownerId != null) {
            sql.append(" AND client_id = :owner");
            params.put("owner", ownerId);
        }
        if (ids != null) {
            sql.append(" AND id IN (:ids)");
            params.put("ids", ids);
        }
        if (!includeActive) {
            sql.append(" AND status IN " + INACTIVE);
        }
        return jdbc.sql(sql.toString()).params(params).query(mapper).list();
    }

    // ---------------------------------------------------------------- uploads

    public boolean insertUpload(String ownerId, String filename, byte[] content) {
        return jdbc.sql("INSERT INTO task_uploads (client_id, filename, content) VALUES (:owner, :name, :content)"
                        + " ON CONFLICT DO NOTHING")
                .param("owner", ownerId).param("name", filename).param("content", content).update() == 1;
    }

    public Optional<byte[]> readUpload(String ownerId, String filename) {
        return jdbc.sql("SELECT content FROM task_uploads WHERE client_id = :owner AND filename = :name")
                .param("owner", ownerId).param("name", filename).query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** Each upload starts at most one task (the original moves the file into the task). */
    public boolean deleteUpload(String ownerId, String filename) {
        return jdbc.sql("DELETE FROM task_uploads WHERE client_id = :owner AND filename = :name")
                .param("owner", ownerId).param("name", filename).update() == 1;
    }

    /** Serializes creates of one client, so the active-task cap holds under concurrent requests. */
    public void lockClient(String ownerId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:owner))").param("owner", ownerId).query((rs, n) -> 1).list();
    }

    // ---------------------------------------------------------------- mapping

    private TaskRecord map(ResultSet rs, int row) throws SQLException {
        return new TaskRecord(rs.getString("id"), rs.getString("client_id"), rs.getString("flow_id"),
                rs.getString("filename"), rs.getInt("input_timeout"), rs.getString("input_request_id"),
                TaskStatus.valueOf(rs.getString("status")), parse(rs.getString("results")),
                rs.getString("status_reason"), rs.getString("schedule_type"), instant(rs, "scheduled_time"),
                rs.getString("cron_expression"), instant(rs, "triggered_at"), instant(rs, "expires_at"),
                rs.getString("launcher"), instant(rs, "started_at"), instant(rs, "finished_at"),
                instant(rs, "archived_at"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "deleted_at"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tasks.results is not JSON", e);
        }
    }

    private String toJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("results not serializable", e);
        }
    }
}
