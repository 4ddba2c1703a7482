package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TaskStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Results larger than a connection's buffer ({@code waldiez.streaming.buffer-size}): the final status
 * frame carries them, and it must still reach every client, live and on replay.
 */
class LargeResultsStreamTest extends LiveStreamSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    private StreamingProperties props;

    /** 100 turns of 10 KB replies, well over the buffer, like the flow the issue saw. */
    private JsonNode bigResults() {
        long target = props.bufferSize().toBytes() + props.bufferSize().toBytes() / 2;
        ArrayNode turns = WsProbe.JSON.createArrayNode();
        String reply = "x".repeat(10_000);
        for (int i = 0; i * 10_000L < target; i++) {
            turns.addObject().put("role", "assistant").put("content", i + reply);
        }
        return WsProbe.JSON.createObjectNode().set("chat_history", turns);
    }

    @Test
    void theFinalStatusWithResultsOverTheBufferReachesLiveAndReplayingWebSockets() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        print(task, "hello\n");
        WsProbe live = connect(alice, task);
        live.awaitIds(1);
        print(task, "bye\n");
        JsonNode results = bigResults();
        transitions.finish(task, TaskStatus.COMPLETED, results, null);

        assertThat(live.awaitClose()).isEqualTo(1000);
        JsonNode fin = last(live.json());
        assertThat(isStatus(fin, "COMPLETED")).isTrue();
        assertThat(fin.path("data").path("results")).isEqualTo(results);
        assertThat(live.ids()).containsExactlyElementsOf(streamIds(task));

        WsProbe replay = connectAfter(alice, task, "0");
        assertThat(replay.awaitClose()).isEqualTo(1000);
        List<JsonNode> frames = replay.json();
        assertThat(isStatus(frames.get(0), "COMPLETED")).isTrue();
        assertThat(isStatus(last(frames), "COMPLETED")).isTrue();
        assertThat(last(frames).path("data").path("results")).isEqualTo(results);
        assertThat(replay.ids()).containsExactlyElementsOf(streamIds(task));
    }

    @Test
    void aFinishedTaskWithLargeResultsReplaysOverSse() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        print(task, "one\n");
        print(task, "two\n");
        transitions.finish(task, TaskStatus.COMPLETED, bigResults(), null);

        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/tasks/" + task + "/stream"))
                .timeout(Duration.ofSeconds(60)).header("Accept", "text/event-stream")
                .header("Authorization", alice.bearer()).build();
        SseStreamTest.SseProbe sse = new SseStreamTest.SseProbe(HTTP.send(request, HttpResponse.BodyHandlers.ofLines()));
        await().atMost(Duration.ofSeconds(30)).until(sse.ended::isDone);
        List<SseStreamTest.Event> events = sse.events();
        assertThat(sse.ids()).containsExactlyElementsOf(streamIds(task));
        SseStreamTest.Event fin = events.get(events.size() - 1);
        assertThat(fin.event()).isEqualTo("status");
        assertThat(fin.data().path("data").path("status").asText()).isEqualTo("COMPLETED");
    }

    private static JsonNode last(List<JsonNode> frames) {
        return frames.get(frames.size() - 1);
    }
}
