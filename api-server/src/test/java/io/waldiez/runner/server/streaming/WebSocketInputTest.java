package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class WebSocketInputTest extends LiveStreamSupport {

    private static final String REQ = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    @Autowired
    private MeterRegistry meters;

    @Test
    void badFramesGetErrorFramesAndTheSocketStaysOpenUntilAHugeFrame() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        inputRequest(task, REQ, "Name?");
        transitions.waitingForInput(task, REQ);
        WsProbe ws = connect(alice, task);
        ws.awaitFrame(n -> "input_request".equals(n.path("type").asText()));

        ws.send("this is not json");
        assertThat(awaitError(ws, 1).path("error").asText()).isEqualTo("Invalid JSON");
        ws.send("[1, 2, 3]");
        assertThat(awaitError(ws, 2).path("error").asText()).isEqualTo("Invalid input payload");
        ws.send("{\"request_id\": 5, \"data\": \"x\"}");
        assertThat(awaitError(ws, 3).path("error").asText()).isEqualTo("Invalid input payload");
        ws.send("{\"request_id\": \"" + REQ + "\"}");
        JsonNode missing = awaitError(ws, 4);
        assertThat(missing.path("error").asText()).isEqualTo("Invalid input payload");
        assertThat(missing.path("type").asText()).isEqualTo("error");
        assertThat(missing.path("detail").asText()).isNotBlank();
        ws.send("{\"request_id\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\", \"data\": \"x\"}");
        assertThat(awaitError(ws, 5).path("error").asText()).isEqualTo("Input not expected");
        ws.send("null");
        assertThat(awaitError(ws, 6).path("error").asText()).isEqualTo("Invalid input payload");
        assertThat(ws.isOpen()).isTrue();
        assertThat(inputAnswers(task)).isEmpty();

        // The JS UI's shape is delivered to the runner's input stream, marked as coming from ws; a
        // long answer (several times the 4KB receive buffer) arrives in parts and is assembled whole.
        String longAnswer = "Bob " + "ok ".repeat(10_000);
        ws.send("{\"type\": \"input_response\", \"request_id\": \"" + REQ + "\", \"data\": \"" + longAnswer + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> !inputAnswers(task).isEmpty());
        Map<String, String> answer = inputAnswers(task).get(0).getBody();
        assertThat(answer).containsEntry("request_id", REQ).containsEntry("data", longAnswer).containsEntry("source", "ws");
        assertThat(ws.ofType("error")).hasSize(6);

        // Over the frame limit (1 MB by default): 1009, not a server error.
        ws.send("{\"request_id\": \"" + REQ + "\", \"data\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(ws.awaitClose()).isEqualTo(1009);
        assertThat(inputAnswers(task)).hasSize(1);
    }

    @Test
    void anAnswerSentRightAfterTheInputRequestWaitsForTheTransitionInsteadOfFailing() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        WsProbe ws = connect(alice, task);
        ws.awaitFrame(n -> isStatus(n, "RUNNING"));
        String req = "cccccccccccccccccccccccccccccccc";
        inputRequest(task, req, "Quick?");
        ws.awaitFrame(n -> "input_request".equals(n.path("type").asText()));
        // The runner has written the request; its WAITING_FOR_INPUT is not committed yet.
        ws.send("{\"request_id\": \"" + req + "\", \"data\": \"fast\"}");
        Thread.sleep(300);
        transitions.waitingForInput(task, req);
        await().atMost(Duration.ofSeconds(10)).until(() -> !inputAnswers(task).isEmpty());
        assertThat(inputAnswers(task).get(0).getBody()).containsEntry("data", "fast");
        assertThat(ws.ofType("error")).isEmpty();

        // The Python client's send_user_input: a fresh socket, one frame, close at once.
        String req2 = "dddddddddddddddddddddddddddddddd";
        transitions.running(task);
        inputRequest(task, req2, "Again?");
        WsProbe oneShot = connect(alice, task);
        oneShot.send("{\"data\": \"from python\", \"request_id\": \"" + req2 + "\"}");
        oneShot.socket.sendClose(1000, "").join();
        Thread.sleep(300);
        transitions.waitingForInput(task, req2);
        await().atMost(Duration.ofSeconds(10)).until(() -> inputAnswers(task).size() == 2);
        assertThat(inputAnswers(task).get(1).getBody()).containsEntry("request_id", req2)
                .containsEntry("data", "from python");

        transitions.finish(task, TaskStatus.COMPLETED, null, null);
        assertThat(ws.awaitClose()).isEqualTo(1000);
    }

    @Test
    void aStalledClientIsClosedWith4008WhileANormalClientGetsEverything() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        WsProbe normal = connect(alice, task);
        WsProbe stalled = WsProbe.open(wsUrl(task), false, Map.of("Authorization", alice.bearer()));
        normal.awaitFrame(n -> isStatus(n, "RUNNING"));
        double before = slowCount();
        String big = "y".repeat(64 * 1024) + "\n";
        int written = 0;
        // Write until the server gives up on the stalled client (bounded: 64 MB).
        while (slowCount() == before && written < 1024) {
            for (int i = 0; i < 16; i++) {
                print(task, big);
            }
            written += 16;
            normal.awaitIds(written);
        }
        assertThat(slowCount()).isEqualTo(before + 1);
        stalled.resume();
        assertThat(stalled.awaitClose()).as("error %s", stalled.error).isEqualTo(Subscriber.CLOSE_TOO_SLOW);
        assertThat(stalled.closeReason).isEqualTo("client too slow");

        for (int i = 0; i < 5; i++) {
            print(task, "after the slow one left\n");
        }
        transitions.finish(task, TaskStatus.COMPLETED, null, null);
        assertThat(normal.awaitClose()).isEqualTo(1000);
        assertThat(normal.ids()).containsExactlyElementsOf(streamIds(task));
    }

    private double slowCount() {
        return meters.get("waldiez.streaming.slow.disconnects").counter().count();
    }

    private List<StreamMessage<String, String>> inputAnswers(String task) {
        return redis.sync().xrange(StreamKeys.inputResponse(task), Range.create("-", "+"));
    }

    private static JsonNode awaitError(WsProbe ws, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> ws.ofType("error").size() >= n);
        return ws.ofType("error").get(n - 1);
    }
}
