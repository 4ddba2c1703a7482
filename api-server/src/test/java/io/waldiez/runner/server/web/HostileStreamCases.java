package io.waldiez.runner.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket frames a hostile client sends on an open socket: each gets an error frame (the socket
 * stays open) or a close code, never a dropped connection or a server error.
 */
final class HostileStreamCases {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HostileStreamCases() {
    }

    /** A frame sent ({@code binary} as bytes) and either the error frame's {@code error} or the close code. */
    record Frame(String name, String text, boolean binary, String error, int closeCode) {
        @Override
        public String toString() {
            return "ws frame: " + name + " → " + (error != null ? error : "close " + closeCode);
        }
    }

    static List<Frame> frames() {
        String big = "a".repeat(600 * 1024);
        return List.of(
                new Frame("not JSON", "this is not json", false, "Invalid JSON", 0),
                new Frame("a JSON array", "[1, 2]", false, "Invalid input payload", 0),
                new Frame("JSON null", "null", false, "Invalid input payload", 0),
                new Frame("data a number", "{\"request_id\": \"r\", \"data\": 5}", false, "Invalid input payload", 0),
                new Frame("data an object", "{\"request_id\": \"r\", \"data\": {}}", false, "Invalid input payload", 0),
                new Frame("request_id missing", "{\"data\": \"x\"}", false, "Invalid input payload", 0),
                new Frame("request_id too long", "{\"request_id\": \"" + "r".repeat(200) + "\", \"data\": \"x\"}", false,
                        "Invalid input payload", 0),
                new Frame("answer over the input limit", "{\"request_id\": \"r\", \"data\": \"" + big + "\"}", false,
                        "Invalid input payload", 0),
                new Frame("nested 20,000 deep", "[".repeat(20_000), false, "Invalid JSON", 0),
                new Frame("binary frame", "\u0001\u0002", true, null, 1003),
                new Frame("frame over max-frame-size", "x".repeat(2 * 1024 * 1024), false, null, 1009));
    }

    static void check(String url, String token, Frame frame) throws Exception {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        WebSocket socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            events.add(partial.toString());
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                        events.add(code);
                        return null;
                    }
                }).get(15, TimeUnit.SECONDS);
        try {
            if (frame.binary()) {
                socket.sendBinary(ByteBuffer.wrap(frame.text().getBytes()), true).get(15, TimeUnit.SECONDS);
            } else {
                socket.sendText(frame.text(), true).get(15, TimeUnit.SECONDS);
            }
            while (true) {
                Object event = events.poll(20, TimeUnit.SECONDS);
                assertThat(event).as("%s: nothing came back", frame).isNotNull();
                if (event instanceof Integer code) {
                    assertThat(frame.error()).as("%s: closed with %s instead of an error frame", frame, code).isNull();
                    assertThat(code).as(frame.toString()).isEqualTo(frame.closeCode());
                    return;
                }
                JsonNode n = JSON.readTree((String) event);
                if ("error".equals(n.path("type").asText())) {
                    assertThat(n.path("error").asText()).as("%s: %s", frame, n).isEqualTo(frame.error());
                    assertThat(n.path("detail").asText()).as(frame.toString()).isNotBlank();
                    return;
                }
                // status and output frames of the task come first; skip them
            }
        } finally {
            socket.abort();
        }
    }
}
