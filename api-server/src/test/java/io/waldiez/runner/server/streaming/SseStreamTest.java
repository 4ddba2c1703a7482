package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.tasks.TaskStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SseStreamTest extends LiveStreamSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One server-sent event. */
    record Event(String id, String event, JsonNode data) {
    }

    /** Reads an event stream in the background, as curl -N would. */
    static final class SseProbe {
        final HttpResponse<Stream<String>> response;
        final List<Event> events = new ArrayList<>();
        final CompletableFuture<Void> ended;

        SseProbe(HttpResponse<Stream<String>> response) {
            this.response = response;
            this.ended = CompletableFuture.runAsync(this::read);
        }

        private void read() {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.isEmpty()) {
                    if (event != null) {
                        try {
                            Event e = new Event(id, event, WsProbe.JSON.readTree(data.toString()));
                            synchronized (events) {
                                events.add(e);
                            }
                        } catch (Exception ex) {
                            throw new AssertionError(ex);
                        }
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        }

        List<Event> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        List<String> ids() {
            return events().stream().filter(e -> e.id() != null).map(Event::id).toList();
        }

        void close() {
            response.body().close();
        }
    }

    /** Waits; on timeout the failure shows what arrived and what the streaming threads were doing. */
    private static void awaitOrExplain(java.util.concurrent.Callable<Boolean> condition, SseProbe probe) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder dump = new StringBuilder();
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (t.getName().startsWith("waldiez-stream")) {
                    dump.append(t.getName()).append(' ').append(t.getState()).append('\n');
                    for (StackTraceElement el : stack) {
                        dump.append("    ").append(el).append('\n');
                    }
                }
            });
            throw new AssertionError("events " + probe.events() + " ended " + probe.ended.isDone() + "\n" + dump, e);
        }
    }

    private HttpResponse<Stream<String>> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "text/event-stream").header("Accept-Encoding", "gzip");
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    }

    @Test
    void eventsCarryStreamIdsAndLastEventIdResumesExactlyThenTheStreamEnds() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        transitions.running(task);
        for (int i = 0; i < 10; i++) {
            print(task, "{\"type\": \"text\", \"content\": {\"n\": " + i + "}}");
        }
        HttpResponse<Stream<String>> first = get("/api/v1/tasks/" + task + "/stream", Map.of("Authorization", alice.bearer()));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(first.headers().firstValue("Content-Encoding")).isEmpty();
        // The connection is taken over from the container (no processor held per stream): the body
        // runs until the connection closes, unchunked.
        assertThat(first.headers().firstValue("Connection")).hasValue("close");
        assertThat(first.headers().firstValue("Transfer-Encoding")).isEmpty();
        SseProbe a = new SseProbe(first);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.ids().size() == 10);
        Event status = a.events().get(0);
        assertThat(status.event()).isEqualTo("status");
        assertThat(status.id()).isNull();
        assertThat(status.data().path("data").path("status").asText()).isEqualTo("RUNNING");
        Event print = a.events().get(1);
        assertThat(print.event()).isEqualTo("print");
        assertThat(print.data().path("id").asText()).isEqualTo(print.id());
        assertThat(print.data().path("data").path("content").path("n").asInt()).isZero();
        a.close();

        for (int i = 10; i < 15; i++) {
            print(task, "line " + i + "\n");
        }
        List<String> all = streamIds(task);
        SseProbe b = new SseProbe(get("/api/v1/tasks/" + task + "/stream",
                Map.of("Authorization", alice.bearer(), "Last-Event-ID", all.get(6))));
        awaitOrExplain(() -> b.ids().size() == 8, b);
        // ?after= works too, and Last-Event-ID wins over it (a reconnecting EventSource keeps its URL).
        SseProbe c = new SseProbe(get("/api/v1/tasks/" + task + "/stream?after=" + all.get(2),
                Map.of("Authorization", alice.bearer(), "Last-Event-ID", all.get(12))));
        SseProbe d = new SseProbe(get("/api/v1/tasks/" + task + "/stream?after=" + all.get(13),
                Map.of("Authorization", alice.bearer())));
        await().atMost(Duration.ofSeconds(20)).until(() -> c.ids().size() == 2 && d.ids().size() == 1);

        print(task, "the end\n");
        transitions.finish(task, TaskStatus.COMPLETED, null, null);
        b.ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        c.ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        d.ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        all = streamIds(task);
        assertThat(b.ids()).containsExactlyElementsOf(all.subList(7, all.size()));
        assertThat(c.ids()).containsExactlyElementsOf(all.subList(13, all.size()));
        assertThat(d.ids()).containsExactlyElementsOf(all.subList(14, all.size()));
        Event last = b.events().get(b.events().size() - 1);
        assertThat(last.event()).isEqualTo("status");
        assertThat(last.data().path("data").path("status").asText()).isEqualTo("COMPLETED");

        // A finished task: the whole archived transcript, then the final status, then the end.
        SseProbe e = new SseProbe(get("/api/v1/tasks/" + task + "/stream", Map.of("Authorization", alice.bearer())));
        e.ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(e.ids()).containsExactlyElementsOf(all);
    }

    @Test
    void refusalsAreOrdinaryErrorResponses() throws Exception {
        TestClient alice = newClient(Audiences.TASKS_API);
        TestClient bob = newClient(Audiences.TASKS_API);
        String task = newTask(alice);
        String path = "/api/v1/tasks/" + task + "/stream";
        assertThat(get(path, Map.of()).statusCode()).isEqualTo(401);
        assertThat(get(path, Map.of("Authorization", "Bearer " + tokenFor(Audiences.ADMIN_API))).statusCode())
                .isEqualTo(401);
        assertThat(get(path, Map.of("Authorization", bob.bearer())).statusCode()).isEqualTo(404);
        assertThat(get(path, Map.of("Authorization", alice.bearer(), "Last-Event-ID", "nope")).statusCode())
                .isEqualTo(422);
        assertThat(get(path + "?after=x-1", Map.of("Authorization", alice.bearer())).statusCode()).isEqualTo(422);
    }
}
