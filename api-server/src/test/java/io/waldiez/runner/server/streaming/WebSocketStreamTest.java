package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebSocketStreamTest extends LiveStreamSupport {

    @org.springframework.beans.factory.annotation.Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;
    @org.springframework.beans.factory.annotation.Autowired
    private StreamingProperties props;

    @Test
    void twoClientsGetEveryEntryOnceInOrderAndAResumedClientEndsWithTheSameSequence() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        for (int i = 0; i < 5; i++) {
            print(task, "before " + i + "\n");
        }
        WsProbe a = connect(alice, task);
        WsProbe b = connect(alice, task);
        a.awaitIds(5);
        b.awaitIds(5);
        assertThat(hub.readerCount()).isGreaterThanOrEqualTo(1);

        for (int i = 0; i < 20; i++) {
            print(task, "live " + i + "\n");
        }
        b.awaitIds(12);
        b.abort(); // drops mid-run
        List<String> bFirst = b.ids();
        for (int i = 0; i < 15; i++) {
            print(task, "while b is away " + i + "\n");
        }
        WsProbe b2 = connectAfter(alice, task, bFirst.get(bFirst.size() - 1));
        for (int i = 0; i < 10; i++) {
            print(task, "after reconnect " + i + "\n");
        }
        List<String> all = streamIds(task);
        assertThat(all).hasSize(50);
        a.awaitIds(50);
        b2.awaitIds(50 - bFirst.size());

        transitions.finish(task, TaskStatus.COMPLETED, null, null);
        assertThat(a.awaitClose()).isEqualTo(1000);
        assertThat(b2.awaitClose()).isEqualTo(1000);

        assertThat(a.ids()).containsExactlyElementsOf(all);
        List<String> bAll = new ArrayList<>(bFirst);
        bAll.addAll(b2.ids());
        assertThat(bAll).containsExactlyElementsOf(all);
        // Both end with the final status, and it is the last frame.
        assertThat(isStatus(last(a.json()), "COMPLETED")).isTrue();
        assertThat(isStatus(last(b2.json()), "COMPLETED")).isTrue();
        // The task's reader is gone with its last subscriber.
        await().atMost(Duration.ofSeconds(10)).until(() -> !hub.isTailing(task));
    }

    @Test
    void firstFrameIsTheStatusThenTransitionsAndAFinalStatusAndANormalClose() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        WsProbe ws = connect(alice, task);
        JsonNode first = ws.awaitFrame(n -> true);
        assertThat(first.path("type").asText()).isEqualTo("status");
        assertThat(first.path("timestamp").isIntegralNumber()).isTrue();
        JsonNode data = first.path("data");
        assertThat(data.path("task_id").asText()).isEqualTo(task);
        assertThat(data.path("status").asText()).isEqualTo("PENDING");
        assertThat(data.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(data.path("updated_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(data.has("results")).isTrue();
        assertThat(data.has("input_request_id")).isTrue();
        assertThat(data.get("input_request_id").isNull()).isTrue();

        transitions.running(task);
        ws.awaitFrame(n -> isStatus(n, "RUNNING"));
        print(task, "{\"type\": \"text\", \"content\": {\"sender\": \"a\", \"content\": \"hi\"}}");
        print(task, "[1, 2]");
        print(task, "plain {not json\n");
        String reqId = "0123456789abcdef0123456789abcdef";
        inputRequest(task, reqId, "Your name?");
        transitions.waitingForInput(task, reqId);
        JsonNode waiting = ws.awaitFrame(n -> isStatus(n, "WAITING_FOR_INPUT"));
        assertThat(waiting.path("data").path("input_request_id").asText()).isEqualTo(reqId);
        // The status frame comes after the input_request it announces.
        List<JsonNode> frames = ws.json();
        int reqIdx = indexOf(frames, n -> "input_request".equals(n.path("type").asText()));
        int waitIdx = indexOf(frames, n -> isStatus(n, "WAITING_FOR_INPUT"));
        assertThat(reqIdx).isBetween(0, waitIdx);
        JsonNode req = frames.get(reqIdx);
        assertThat(req.path("request_id").asText()).isEqualTo(reqId);
        assertThat(req.path("password").asText()).isEqualTo("False");
        assertThat(req.path("timestamp").isTextual()).isTrue();
        assertThat(req.path("id").asText()).matches("\\d+-\\d+");

        List<JsonNode> prints = ws.ofType("print");
        assertThat(prints.get(0).path("data").isObject()).isTrue();
        assertThat(prints.get(0).path("data").path("content").path("content").asText()).isEqualTo("hi");
        assertThat(prints.get(1).path("data").isArray()).isTrue();
        assertThat(prints.get(2).path("data").asText()).isEqualTo("plain {not json\n");

        transitions.running(task);
        print(task, "last words\n");
        transitions.finish(task, TaskStatus.FAILED, null, "boom");
        assertThat(ws.awaitClose()).isEqualTo(1000);
        List<JsonNode> all = ws.json();
        JsonNode fin = last(all);
        assertThat(isStatus(fin, "FAILED")).isTrue();
        // every output entry arrived before the final status
        assertThat(ws.ids()).containsExactlyElementsOf(streamIds(task));
        assertThat(all.stream().filter(n -> isStatus(n, "FAILED")).count()).isEqualTo(1);
    }

    @Test
    void aFinishedArchivedTaskReplaysItsWholeHistoryAfterRedisForgotIt() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        for (int i = 0; i < 1234; i++) {
            print(task, "line " + i + "\n");
        }
        List<String> all = streamIds(task);
        transitions.finish(task, TaskStatus.COMPLETED, null, null);
        redis.sync().del(StreamKeys.allFor(task).toArray(String[]::new));
        assertThat(streamIds(task)).isEmpty();

        // Without a cursor a finished task is refused as in the original (its Python listener would
        // otherwise reconnect and replay forever); after=0 asks for the whole transcript.
        assertThat(refusal(wsUrl(task), Map.of("Authorization", alice.bearer()))).isEqualTo(403);
        WsProbe ws = connectAfter(alice, task, "0");
        assertThat(ws.awaitClose()).isEqualTo(1000);
        List<JsonNode> frames = ws.json();
        assertThat(isStatus(frames.get(0), "COMPLETED")).isTrue();
        assertThat(isStatus(last(frames), "COMPLETED")).isTrue();
        assertThat(ws.ids()).containsExactlyElementsOf(all);

        WsProbe resumed = connectAfter(alice, task, all.get(999));
        assertThat(resumed.awaitClose()).isEqualTo(1000);
        assertThat(resumed.ids()).containsExactlyElementsOf(all.subList(1000, all.size()));
    }

    @Test
    void aFinishedTaskStillInRedisIsReplayedToo() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        print(task, "one\n");
        print(task, "two\n");
        transitions.finish(task, TaskStatus.CANCELLED, null, "stop");
        WsProbe ws = connectAfter(alice, task, streamIds(task).get(0));
        assertThat(ws.awaitClose()).isEqualTo(1000);
        assertThat(ws.ids()).containsExactly(streamIds(task).get(1));
    }

    @Test
    void refusesBadTokensOtherClientsAndUnknownTasksWith403() {
        TestClient alice = newClient(Audiences.TASKS_API);
        TestClient bob = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        String url = wsUrl(task);
        assertThat(refusal(url, Map.of())).isEqualTo(403);
        assertThat(refusal(url, Map.of("Authorization", "Bearer not.a.jwt"))).isEqualTo(403);
        assertThat(refusal(url, Map.of("Authorization", bob.bearer()))).isEqualTo(403);
        assertThat(refusal(url, Map.of("Authorization", "Bearer " + tokenFor(Audiences.ADMIN_API)))).isEqualTo(403);
        assertThat(refusal(url, Map.of("Authorization", "Bearer " + alice.tokens().refreshToken()))).isEqualTo(403);
        assertThat(refusal(wsUrl("0123456789abcdef0123456789abcdef"), Map.of("Authorization", alice.bearer())))
                .isEqualTo(403);
        assertThat(refusal(wsUrl("bad$id"), Map.of("Authorization", alice.bearer()))).isEqualTo(403);
        assertThat(refusal(url + "?after=yesterday", Map.of("Authorization", alice.bearer()))).isEqualTo(400);
    }

    @Test
    void acceptsEveryTokenCarrierAndEchoesTheSubprotocol() {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        String url = wsUrl(task);
        WsProbe query = WsProbe.open(url + "?access_token=" + alice.accessToken(), Map.of());
        assertThat(query.socket.getSubprotocol()).isEmpty();
        WsProbe cookie = WsProbe.open(url, Map.of("Cookie", "access_token=" + alice.accessToken()));
        WsProbe header = WsProbe.open(url, Map.of("Authorization", alice.bearer()));
        // The browser way: the token rides in the subprotocol list and tasks-api must be echoed.
        WsProbe sub = WsProbe.open(url, Map.of(), "tasks-api", alice.accessToken());
        assertThat(sub.socket.getSubprotocol()).isEqualTo("tasks-api");
        // Echoed whenever offered, whatever carried the token; a bad first source falls through.
        WsProbe both = WsProbe.open(url + "?access_token=garbage", Map.of("Authorization", alice.bearer()), "tasks-api");
        assertThat(both.socket.getSubprotocol()).isEqualTo("tasks-api");
        assertThat(hub.isTailing(task)).isTrue();
        for (WsProbe p : List.of(query, cookie, header, sub, both)) {
            assertThat(isStatus(p.awaitFrame(n -> true), "PENDING")).isTrue();
            p.socket.sendClose(1000, "bye");
        }
        // The task's reader stops with its last subscriber.
        await().atMost(Duration.ofSeconds(20)).until(() -> !hub.isTailing(task));
    }

    @Test
    void browserOriginsMustBeAllowedAndConnectionLimitsAreEnforced() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        String url = wsUrl(task);
        // The configured CORS origin (the JS UI's default) passes; another site cannot use the cookie.
        WsProbe ui = WsProbe.open(url, Map.of("Origin", "http://localhost:3000"), "tasks-api", alice.accessToken());
        assertThat(ui.socket.getSubprotocol()).isEqualTo("tasks-api");
        assertThat(refusal(url, Map.of("Origin", "http://evil.example", "Cookie", "access_token=" + alice.accessToken())))
                .isEqualTo(403);
        assertThat(meters.get("waldiez.streaming.connections").tag("transport", "ws").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("waldiez.streaming.readers").gauge().value()).isGreaterThanOrEqualTo(1);

        // max-connections-per-task (100 by default): the 101st is refused with 403, SSE with 429.
        List<WsProbe> open = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(ui));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<WsProbe>> more = new ArrayList<>();
            for (int i = 1; i < props.maxConnectionsPerTask(); i++) {
                more.add(pool.submit(() -> connect(alice, task)));
            }
            for (var f : more) {
                open.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> open.stream().allMatch(p -> !p.texts().isEmpty()));
        assertThat(refusal(url, Map.of("Authorization", alice.bearer()))).isEqualTo(403);
        var sse = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(baseUrl() + "/api/v1/tasks/" + task + "/stream"))
                .header("Authorization", alice.bearer()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(sse.statusCode()).isEqualTo(429);
        assertThat(sse.body()).contains("too many connections for this task");

        // A slot frees up when a client leaves.
        open.remove(0).socket.sendClose(1000, "bye").join();
        await().atMost(Duration.ofSeconds(20)).until(() -> WsProbe.tryOpen(url, true, Map.of("Authorization", alice.bearer()))
                instanceof WsProbe p && open.add(p));
        double framesBefore = meters.get("waldiez.streaming.frames.sent").tag("transport", "ws").counter().count();
        transitions.finish(task, TaskStatus.CANCELLED, null, "enough");
        for (WsProbe p : open) {
            assertThat(p.awaitClose()).isEqualTo(1000);
        }
        assertThat(meters.get("waldiez.streaming.frames.sent").tag("transport", "ws").counter().count())
                .isGreaterThanOrEqualTo(framesBefore + open.size());
    }

    private static int refusal(String url, Map<String, String> headers) {
        Object r = WsProbe.tryOpen(url, true, headers);
        assertThat(r).isInstanceOf(WsProbe.Refused.class);
        return ((WsProbe.Refused) r).status();
    }

    static JsonNode last(List<JsonNode> frames) {
        return frames.get(frames.size() - 1);
    }

    static int indexOf(List<JsonNode> frames, java.util.function.Predicate<JsonNode> p) {
        for (int i = 0; i < frames.size(); i++) {
            if (p.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Compression is declined (waldiez.streaming.compression=false by default): a client offering
     * permessage-deflate gets an uncompressed socket, and frames still arrive.
     */
    @Test
    void permessageDeflateOfferedByTheClientIsDeclined() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /ws/" + task + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                    + "Authorization: " + alice.bearer() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                assertThat(c).as("response head so far: %s", head).isNotNegative();
                head.append((char) c);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            assertThat(head.toString().toLowerCase(java.util.Locale.ROOT)).doesNotContain("sec-websocket-extensions");
            // The first frame (the status) is a plain text frame: FIN + opcode 1, RSV1 (compressed) clear.
            int b0 = in.read();
            assertThat(b0).isEqualTo(0x81);
        }
    }
}
