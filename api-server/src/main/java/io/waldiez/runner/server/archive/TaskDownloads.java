package io.waldiez.runner.server.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.waldiez.runner.protocol.OutputEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The download zip of a task: {@code <id>/<filename>} (the flow), {@code <id>/transcript.jsonl}
 * (one output entry per line, with its stream id), {@code <id>/results.json} and
 * {@code <id>/artifacts/...} (the run's {@code waldiez_out/}). From the archive once the task is
 * archived, else live from Redis (a running task can be downloaded too).
 */
@Service
public class TaskDownloads {

    private static final Logger log = LoggerFactory.getLogger(TaskDownloads.class);

    private final TranscriptArchiveService archive;
    private final RedisTaskData redis;
    private final ObjectMapper json;

    public TaskDownloads(TranscriptArchiveService archive, RedisTaskData redis, ObjectMapper json) {
        this.archive = archive;
        this.redis = redis;
        this.json = json;
    }

    /** What goes into the zip, gathered before the response starts (so errors are still 4xx/5xx). */
    public record Contents(String taskId, String filename, byte[] flow, List<OutputEntry> transcript,
            JsonNode results, byte[] artifacts) {
    }

    public Contents gather(String taskId, String filename, byte[] flow, boolean archived, JsonNode dbResults) {
        if (archived) {
            return new Contents(taskId, filename, flow, archive.all(taskId), dbResults,
                    archive.artifacts(taskId).orElse(null));
        }
        JsonNode results = dbResults;
        if (results == null) {
            Optional<String> live = redis.results(taskId);
            if (live.isPresent()) {
                try {
                    results = json.readTree(live.get());
                } catch (IOException e) {
                    results = null;
                }
            }
        }
        return new Contents(taskId, filename, flow, redis.output(taskId), results, redis.artifacts(taskId).orElse(null));
    }

    /** The task's transcript only: from the archive once archived, else live from Redis. */
    public List<OutputEntry> transcript(String taskId, boolean archived) {
        return archived ? archive.all(taskId) : redis.output(taskId);
    }

    public void write(Contents c, OutputStream out) throws IOException {
        String root = c.taskId() + "/";
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, root + safeName(c.filename()), c.flow());
            StringBuilder lines = new StringBuilder();
            for (OutputEntry e : c.transcript()) {
                lines.append(json.writeValueAsString(e.withId())).append('\n');
            }
            put(zip, root + "transcript.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
            JsonNode results = c.results() == null ? NullNode.getInstance() : c.results();
            put(zip, root + "results.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(results));
            if (c.artifacts() != null) {
                copyArtifacts(zip, root + "artifacts/", c.artifacts());
            }
        }
    }

    private void copyArtifacts(ZipOutputStream zip, String prefix, byte[] artifacts) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(artifacts))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName().replace('\\', '/');
                // Zip-slip guard: the runner's names are relative, anything else is dropped.
                if (e.isDirectory() || name.startsWith("/") || name.contains("../") || name.startsWith("..")) {
                    continue;
                }
                put(zip, prefix + name, in.readAllBytes());
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("artifacts zip of task {} is unreadable ({}); left out of the download", prefix, e.toString());
        }
    }

    private static String safeName(String filename) {
        String name = filename == null ? "flow.waldiez" : filename.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.isEmpty() || name.equals("..") || name.equals(".") ? "flow.waldiez" : name;
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
