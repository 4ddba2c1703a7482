package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The API server of the release, through its Service (kube-proxy), as a client application uses it. */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String base;
    private final String token;

    private ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A tasks-api client made with the chart's first clients-api credentials (its Secret). */
    static ApiClient tasksClient() {
        String ip = Cluster.client().services().inNamespace(ChartRelease.NAMESPACE)
                .withName(ChartRelease.FULLNAME + "-api-server").get().getSpec().getClusterIP();
        String base = "http://" + ip + ":8000";
        var data = Cluster.client().secrets().inNamespace(ChartRelease.NAMESPACE).withName(ChartRelease.FULLNAME + "-auth")
                .get().getData();
        ApiClient anonymous = new ApiClient(base, null);
        String clientsToken = anonymous.token(decode(data.get("clients-api-client-id")), decode(data.get("clients-api-client-secret")));
        JsonNode created = new ApiClient(base, clientsToken).send(HttpRequest.newBuilder(URI.create(base + "/api/v1/clients"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"audience\":\"tasks-api\",\"name\":\"cluster tier\"}")), 200);
        return new ApiClient(base, anonymous.token(created.get("client_id").asText(), created.get("client_secret").asText()));
    }

    private String token(String id, String secret) {
        String form = "client_id=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(URI.create(base + "/auth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), 200).get("access_token").asText();
    }

    /** Uploads a flow from examples/flows; it starts at once. */
    JsonNode upload(String flowFile, int inputTimeout) {
        String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + flowFile
                + "\"\r\nContent-Type: application/json\r\n\r\n" + Tasks.flow(flowFile) + "\r\n--" + boundary + "--\r\n";
        return send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tasks?input_timeout=" + inputTimeout))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)), 200);
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), 200);
    }

    JsonNode post(String path, String json, int expected) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), expected);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s: %s", r.request().uri(), r.body()).isEqualTo(expected);
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A WebSocket on /ws/{id} whose text frames (whole messages) land in a queue. */
    Frames websocket(String taskId, String query) {
        Frames frames = new Frames();
        String uri = base.replace("http://", "ws://") + "/ws/" + taskId + "?access_token=" + token + (query == null ? "" : "&" + query);
        frames.socket = http.newWebSocketBuilder().buildAsync(URI.create(uri), frames).join();
        return frames;
    }

    static final class Frames implements WebSocket.Listener {
        final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        volatile Integer closeCode;
        WebSocket socket;
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                try {
                    queue.add(JSON.readTree(part.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode = statusCode;
            return null;
        }

        /** The next frame matching, skipping others; fails after the timeout. */
        JsonNode next(java.util.function.Predicate<JsonNode> matching, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    JsonNode f = queue.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (f == null) {
                        throw new AssertionError("no matching frame within " + timeout);
                    }
                    if (matching.test(f)) {
                        return f;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void send(String json) {
            socket.sendText(json, true).join();
        }
    }

    static boolean isStatus(JsonNode frame, String status) {
        return "status".equals(frame.path("type").asText()) && status.equals(frame.path("data").path("status").asText());
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
