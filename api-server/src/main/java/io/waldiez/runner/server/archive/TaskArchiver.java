package io.waldiez.runner.server.archive;

import io.waldiez.runner.protocol.StreamIds;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.protocol.OutputEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Copies a finished run's Redis keys (output stream, results, artifacts) into PostgreSQL. Runs
 * inside the caller's transaction, together with the final status, so the task is never final
 * without its archive.
 */
@Service
public class TaskArchiver {

    private static final Logger log = LoggerFactory.getLogger(TaskArchiver.class);
    private static final int BATCH = 500;

    private final RedisTaskData redis;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public TaskArchiver(RedisTaskData redis, JdbcTemplate jdbc, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
        this.jdbc = jdbc;
    }

    /** What was archived; {@code results} is the results key's JSON (null if absent or not JSON). */
    public record Archived(int entries, boolean artifacts, JsonNode results) {
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Archived archive(String taskId) {
        List<OutputEntry> entries = redis.output(taskId);
        // Idempotent: a second archive of the same run replaces the first.
        jdbc.update("DELETE FROM task_transcript_entries WHERE task_id = ?", taskId);
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            OutputEntry e = entries.get(i);
            long[] id = StreamIds.parts(e.id());
            rows.add(new Object[] {taskId, i, e.id(), id[0], id[1], write(e.fields())});
        }
        for (int from = 0; from < rows.size(); from += BATCH) {
            jdbc.batchUpdate("INSERT INTO task_transcript_entries (task_id, seq, stream_id, stream_ms, stream_seq, fields)"
                    + " VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb))", rows.subList(from, Math.min(rows.size(), from + BATCH)));
        }
        Optional<byte[]> artifacts = redis.artifacts(taskId);
        artifacts.ifPresent(bytes -> jdbc.update("INSERT INTO task_artifacts (task_id, content, size) VALUES (?, ?, ?)"
                + " ON CONFLICT (task_id) DO UPDATE SET content = EXCLUDED.content, size = EXCLUDED.size",
                taskId, bytes, (long) bytes.length));
        JsonNode results = redis.results(taskId).map(this::read).orElse(null);
        log.info("archived {} transcript entries{}", entries.size(), artifacts.isPresent() ? " and artifacts" : "");
        return new Archived(entries.size(), artifacts.isPresent(), results);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            log.warn("results key is not JSON; not archived as results");
            return null;
        }
    }
}
