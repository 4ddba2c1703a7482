package io.waldiez.runner.server.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskStatusChanged;
import io.waldiez.runner.server.tasks.TaskTestSupport;
import io.waldiez.runner.server.tasks.TaskTransitions;
import io.waldiez.runner.server.tasks.TranscriptArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

/** Archive on finish, without a runner: what a run leaves in Redis is copied, then served from PostgreSQL. */
class TaskArchiveTest extends TaskTestSupport {

    @Autowired
    private StatefulRedisConnection<String, String> redis;
    @Autowired
    private RedisClient redisClient;
    @Autowired
    private TaskTransitions transitions;
    @Autowired
    private TranscriptArchive archive;
    @Autowired
    private ConfigurableApplicationContext context;

    @Test
    void finishArchivesTranscriptResultsAndArtifactsThenPublishes() throws IOException {
        List<TaskStatusChanged> events = new CopyOnWriteArrayList<>();
        context.addApplicationListener((ApplicationListener<ApplicationEvent>) e -> {
            if (e instanceof PayloadApplicationEvent<?> p && p.getPayload() instanceof TaskStatusChanged c) {
                events.add(c);
            }
        });
        TestClient owner = newClient(Audiences.TASKS_API);
        // launcher "kubernetes": the local supervisor leaves this run alone.
        String id = insertRow(owner.id(), "archived.waldiez", "RUNNING", Instant.now());
        jdbc.sql("UPDATE tasks SET launcher = 'kubernetes' WHERE id = :id").param("id", id).update();
        List<String> ids = new ArrayList<>();
        for (String text : List.of("first\n", "second\n", "third\n")) {
            ids.add(redis.sync().xadd(StreamKeys.output(id), Map.of("type", "print", "data", text, "task_id", id,
                    "timestamp", "1")));
        }
        redis.sync().set(StreamKeys.results(id), "[{\"summary\": \"done\"}]");
        byte[] artifacts = zip(Map.of("waldiez_out/results.json", "{\"ok\": true}", "../evil.txt", "x"));
        try (StatefulRedisConnection<byte[], byte[]> bin = redisClient.connect(ByteArrayCodec.INSTANCE)) {
            bin.sync().set(StreamKeys.artifacts(id).getBytes(StandardCharsets.UTF_8), artifacts);
        }

        // Before the end: the download reads Redis live.
        Map<String, String> live = download(owner.accessToken(), id);
        assertThat(live.get(id + "/transcript.jsonl").lines().toList()).hasSize(3);
        assertThat(live.get(id + "/results.json")).contains("done");
        assertThat(live).containsKey(id + "/artifacts/waldiez_out/results.json").doesNotContainKey(id + "/artifacts/../evil.txt");
        assertThat(archive.entriesAfter(id, null, 100)).isEmpty();

        transitions.finish(id, TaskStatus.COMPLETED, null, null);

        JsonNode task = get(owner.accessToken(), id);
        assertThat(task.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(task.get("results").get(0).get("summary").asText()).isEqualTo("done");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.task().id()).isEqualTo(id);
            assertThat(e.task().status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(e.task().archived()).isTrue();
        });

        // Redis forgets; the archive does not.
        redis.sync().del(StreamKeys.allFor(id).toArray(String[]::new));
        List<OutputEntry> all = archive.entriesAfter(id, "0-0", 100);
        assertThat(all).extracting(OutputEntry::id).containsExactlyElementsOf(ids);
        assertThat(all.get(0).data()).isEqualTo("first\n");
        assertThat(archive.entriesAfter(id, ids.get(1), 100)).extracting(OutputEntry::id).containsExactly(ids.get(2));
        assertThat(archive.entriesAfter(id, null, 2)).hasSize(2);
        assertThat(archive.entriesAfter(id, "not-an-id", 100)).isEmpty();
        Map<String, String> archived = download(owner.accessToken(), id);
        assertThat(archived.get(id + "/transcript.jsonl")).isEqualTo(live.get(id + "/transcript.jsonl"));
        assertThat(archived.get(id + "/artifacts/waldiez_out/results.json")).isEqualTo("{\"ok\": true}");

        // A second finish (e.g. the process exit after the status) changes nothing.
        transitions.finish(id, TaskStatus.FAILED, null, "late");
        assertThat(get(owner.accessToken(), id).get("status").asText()).isEqualTo("COMPLETED");
    }

    private Map<String, String> download(String token, String id) throws IOException {
        return unzip(http(token).get().uri("/api/v1/tasks/{id}/download", id).retrieve().body(byte[].class));
    }

    private static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
