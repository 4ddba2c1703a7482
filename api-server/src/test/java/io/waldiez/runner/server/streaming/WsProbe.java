package io.waldiez.runner.server.streaming;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A java.net.http WebSocket client that records every text frame, and the close code. */
final class WsProbe implements WebSocket.Listener {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<String> frames = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean autoRead;
    volatile WebSocket socket;
    volatile Integer closeCode;
    volatile String closeReason;
    volatile Throwable error;

    private WsProbe(boolean autoRead) {
        this.autoRead = autoRead;
    }

    /** The upgrade's HTTP status when refused. */
    record Refused(int status) {
    }

    static WsProbe open(String uri, Map<String, String> headers, String... subprotocols) {
        return open(uri, true, headers, subprotocols);
    }

    /** Connects; {@code autoRead=false} makes a client that reads nothing until {@link #resume()}. */
    static WsProbe open(String uri, boolean autoRead, Map<String, String> headers, String... subprotocols) {
        Object r = tryOpen(uri, autoRead, headers, subprotocols);
        if (r instanceof Refused refused) {
            throw new AssertionError("WebSocket refused with HTTP " + refused.status());
        }
        return (WsProbe) r;
    }

    /** @return a {@link WsProbe} or a {@link Refused} */
    static Object tryOpen(String uri, boolean autoRead, Map<String, String> headers, String... subprotocols) {
        WsProbe probe = new WsProbe(autoRead);
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            probe.socket = b.buildAsync(URI.create(uri), probe).get(15, TimeUnit.SECONDS);
            return probe;
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return new Refused(h.getResponse().statusCode());
            }
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (autoRead) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (this) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
        }
        if (autoRead) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode = statusCode;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error = e;
        if (closeCode == null) {
            closeCode = 1006;
        }
    }

    void resume() {
        socket.request(Long.MAX_VALUE);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void abort() {
        socket.abort();
    }

    synchronized List<String> texts() {
        return List.copyOf(frames);
    }

    List<JsonNode> json() {
        List<JsonNode> out = new ArrayList<>();
        for (String t : texts()) {
            try {
                out.add(JSON.readTree(t));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + t, e);
            }
        }
        return out;
    }

    /** Stream ids of the output frames received, in order. */
    List<String> ids() {
        return json().stream().filter(n -> n.hasNonNull("id")).map(n -> n.get("id").asText()).toList();
    }

    List<JsonNode> ofType(String type) {
        return json().stream().filter(n -> type.equals(n.path("type").asText())).toList();
    }

    JsonNode awaitFrame(Predicate<JsonNode> p) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> json().stream().filter(p).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    void awaitIds(int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ids().size() >= n);
    }

    int awaitClose() {
        await().atMost(Duration.ofSeconds(30)).until(() -> closeCode != null);
        return closeCode;
    }

    boolean isOpen() {
        return closeCode == null && !socket.isInputClosed();
    }
}
