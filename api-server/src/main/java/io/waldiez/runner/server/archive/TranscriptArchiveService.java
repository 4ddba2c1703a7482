package io.waldiez.runner.server.archive;

import io.waldiez.runner.protocol.StreamIds;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.server.tasks.TranscriptArchive;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** {@link TranscriptArchive} and the other archived parts of a run, from PostgreSQL. */
@Service
public class TranscriptArchiveService implements TranscriptArchive {

    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public TranscriptArchiveService(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public List<OutputEntry> entriesAfter(String taskId, String afterId, int limit) {
        long[] after;
        try {
            after = StreamIds.parts(afterId);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.sql("SELECT stream_id, fields::text FROM task_transcript_entries WHERE task_id = :id"
                        + " AND (stream_ms, stream_seq) > (:ms, :seq) ORDER BY stream_ms, stream_seq LIMIT :limit")
                .param("id", taskId).param("ms", after[0]).param("seq", after[1]).param("limit", limit)
                .query((rs, n) -> new OutputEntry(rs.getString(1), read(rs.getString(2)))).list();
    }

    /** The whole archived transcript. */
    public List<OutputEntry> all(String taskId) {
        return jdbc.sql("SELECT stream_id, fields::text FROM task_transcript_entries WHERE task_id = :id ORDER BY seq")
                .param("id", taskId).query((rs, n) -> new OutputEntry(rs.getString(1), read(rs.getString(2)))).list();
    }

    public Optional<byte[]> artifacts(String taskId) {
        return jdbc.sql("SELECT content FROM task_artifacts WHERE task_id = :id").param("id", taskId)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, FIELDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("archived entry is not JSON", e);
        }
    }
}
