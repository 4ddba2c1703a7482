package io.waldiez.runner.server.streaming;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.Timestamps;
import io.waldiez.runner.server.tasks.TaskSnapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Builds the frames of spec §8.4 (status, stream entries) plus error replies. */
@Component
class StreamFrames {

    private static final DateTimeFormatter ISO_MS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper json;

    StreamFrames(ObjectMapper json) {
        this.json = json;
    }

    /** {@code {"type":"status","timestamp":<µs>,"data":{task_id,status,created_at,updated_at,results,input_request_id}}}. */
    Frame status(TaskSnapshot task) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "status");
        root.put("timestamp", Timestamps.nowMicros());
        ObjectNode data = root.putObject("data");
        data.put("task_id", task.id());
        data.put("status", task.status().name());
        data.put("created_at", iso(task.createdAt()));
        data.put("updated_at", iso(task.updatedAt()));
        data.set("results", task.results());
        data.put("input_request_id", task.inputRequestId());
        return new Frame(Frame.Kind.STATUS, null, "status", write(root), task, null);
    }

    /**
     * A stream entry as a flat object of its string fields plus {@code id}; {@code print} data that is
     * a JSON object or array is sent parsed, as the original does (ag2 events render as objects).
     *
     * <p>Written with a streaming generator, once per entry for all its subscribers: the data of a
     * print is validated by a token scan and copied as it is, without building a tree (this is the
     * hot path of every stream; the tree cost more CPU, garbage and JIT work than the rest of it).
     */
    Frame output(OutputEntry entry) {
        String data = entry.data();
        Structured structured = OutputEntry.TYPE_PRINT.equals(entry.type()) ? structured(data) : Structured.NO;
        StringWriter out = new StringWriter(160 + (data == null ? 0 : data.length()));
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            entry.forEachWithId((name, value) -> {
                try {
                    g.writeFieldName(name);
                    if (structured != Structured.NO && "data".equals(name)) {
                        writeStructured(g, value, structured);
                    } else {
                        g.writeString(value);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            g.writeEndObject();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot serialize a frame", e);
        }
        String type = entry.type() == null ? "message" : entry.type();
        return new Frame(Frame.Kind.OUTPUT, entry.id(), type, out.toString(), null, entry.requestId());
    }

    /** How a print's data goes out: as a string, as JSON copied verbatim, or as JSON re-written on one line. */
    private enum Structured { NO, VERBATIM, RECOMPACT }

    /**
     * Exactly one JSON object or array, nothing after it (Python's {@code json.loads} rule): anything
     * else stays a string, as in the original. Data with line breaks is re-written compact, since an
     * SSE {@code data:} line must not contain one.
     */
    private Structured structured(String data) {
        if (!looksStructured(data)) {
            return Structured.NO;
        }
        try (JsonParser p = json.getFactory().createParser(data)) {
            p.nextToken();
            p.skipChildren();
            if (p.nextToken() != null) {
                return Structured.NO;
            }
        } catch (IOException e) {
            return Structured.NO; // not JSON after all
        }
        return data.indexOf('\n') < 0 && data.indexOf('\r') < 0 ? Structured.VERBATIM : Structured.RECOMPACT;
    }

    private void writeStructured(JsonGenerator g, String data, Structured how) throws IOException {
        if (how == Structured.VERBATIM) {
            g.writeRawValue(data);
            return;
        }
        try (JsonParser p = json.getFactory().createParser(data)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
    }

    /**
     * {@code {"type":"error","error":...,"detail":...}}. With {@code error} = {@code Invalid input
     * payload} it is also the original's reply to a malformed input object.
     */
    Frame error(String error, String detail) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "error");
        root.put("error", error);
        root.put("detail", detail);
        return new Frame(Frame.Kind.ERROR, null, "error", write(root), null, null);
    }

    private static boolean looksStructured(String data) {
        if (data == null) {
            return false;
        }
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static String iso(Instant t) {
        return t == null ? null : ISO_MS.format(t);
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a frame", e);
        }
    }
}
