package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TranscriptArchive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A real run of a shared flow through the real local launcher and runner, driven over the WebSocket alone. */
class StreamRealRunTest extends LiveStreamSupport {

    @Autowired
    private TranscriptArchive archive;

    @Test
    void interactiveRunOverTheWebSocketAlone() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = start(alice.accessToken(), "dummy_with_input.waldiez", Map.of("input_timeout", "60"));

        WsProbe ws = connect(alice, task);
        Map<String, String> answers = new LinkedHashMap<>();
        // Answer every input_request as it arrives (the first with a marker, the rest empty).
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode req : ws.ofType("input_request")) {
                String id = req.path("request_id").asText();
                if (!answers.containsKey(id)) {
                    String data = answers.isEmpty() ? "marker from the websocket" : "";
                    answers.put(id, data);
                    ws.send(WsProbe.JSON.writeValueAsString(Map.of("request_id", id, "data", data)));
                }
            }
            return ws.closeCode != null;
        });
        assertThat(ws.closeCode).as("frames %s", ws.texts()).isEqualTo(1000);

        List<JsonNode> frames = ws.json();
        assertThat(frames.get(0).path("type").asText()).isEqualTo("status");
        JsonNode last = frames.get(frames.size() - 1);
        assertThat(isStatus(last, "COMPLETED")).as("last frame %s", last).isTrue();
        assertThat(ws.ofType("error")).isEmpty();
        assertThat(answers).isNotEmpty();

        List<String> statuses = ws.ofType("status").stream().map(n -> n.path("data").path("status").asText()).toList();
        assertThat(statuses).contains("RUNNING", "WAITING_FOR_INPUT", "COMPLETED");
        Set<String> announced = new HashSet<>();
        for (JsonNode s : ws.ofType("status")) {
            if ("WAITING_FOR_INPUT".equals(s.path("data").path("status").asText())) {
                announced.add(s.path("data").path("input_request_id").asText());
            }
        }
        assertThat(answers.keySet()).containsAll(announced);

        // Every request got its response, with what was sent over the socket.
        Map<String, String> responses = new LinkedHashMap<>();
        for (JsonNode r : ws.ofType("input_response")) {
            responses.put(r.path("request_id").asText(), r.path("data").asText());
        }
        assertThat(responses).containsExactlyInAnyOrderEntriesOf(answers);
        assertThat(ws.json().stream().filter(n -> "print".equals(n.path("type").asText()))
                .anyMatch(n -> n.path("data").isObject())).isTrue();

        // The socket saw exactly the archived transcript, once each, in order.
        List<String> archived = new ArrayList<>();
        for (OutputEntry e : archive.entriesAfter(task, null, 100_000)) {
            archived.add(e.id());
        }
        assertThat(ws.ids()).containsExactlyElementsOf(archived);
    }
}
