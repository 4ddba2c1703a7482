package io.waldiez.runner.server.web;

import static io.waldiez.runner.server.web.HostileRequests.headers;
import static io.waldiez.runner.server.web.HostileRequests.json;
import static io.waldiez.runner.server.web.HostileRequests.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.AuthProperties;
import io.waldiez.runner.server.support.RawHttp;
import io.waldiez.runner.server.tasks.TaskTestSupport;
import io.waldiez.runner.server.web.HostileRequests.Case;
import io.waldiez.runner.server.web.HostileRequests.Shape;
import io.waldiez.runner.server.web.HostileRequests.Who;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * Hostile input, as a table (issue 13): every route, the token endpoints, WebSocket handshakes and
 * frames, and SSE, each row with the exact status and error-body shape it must get. Zero 5xx and zero
 * unexpected 2xx. Requests go over a raw socket ({@link RawHttp}) so they arrive exactly as written.
 * Rows live in {@link HostileCases} (HTTP) and {@link HostileStreamCases} (WebSocket frames).
 */
class HostileInputTest extends TaskTestSupport {

    @Autowired
    private JwtEncoder encoder;

    @Autowired
    private AuthProperties auth;

    /** The callers and task rows the rows refer to. */
    record Fixture(TestClient tasks, TestClient other, Map<Who, String> tokens, String done, String running,
            String waiting, String waitingRequest, String foreign) {
    }

    private Fixture fixture() {
        TestClient tasks = newClient(Audiences.TASKS_API);
        TestClient other = newClient(Audiences.TASKS_API);
        Map<Who, String> tokens = new EnumMap<>(Who.class);
        tokens.put(Who.TASKS, tasks.accessToken());
        tokens.put(Who.OTHER_TASKS, other.accessToken());
        tokens.put(Who.ADMIN, tokenFor(Audiences.ADMIN_API));
        tokens.put(Who.CLIENTS, tokenFor(Audiences.CLIENTS_API));
        tokens.putAll(new HostileTokens(encoder, auth.issuer()).forSubject(tasks.clientId()));
        Instant now = Instant.now();
        String done = insertRow(tasks.id(), "done.waldiez", "COMPLETED", now);
        String running = insertRow(tasks.id(), "running.waldiez", "RUNNING", now);
        String waiting = insertRow(tasks.id(), "waiting.waldiez", "WAITING_FOR_INPUT", now);
        String request = "req-" + waiting;
        jdbc.sql("UPDATE tasks SET input_request_id = :r WHERE id = :id").param("r", request).param("id", waiting).update();
        String foreign = insertRow(other.id(), "theirs.waldiez", "COMPLETED", now);
        return new Fixture(tasks, other, tokens, done, running, waiting, request, foreign);
    }

    @TestFactory
    Stream<DynamicTest> hostileRequestsGetPreciseClientErrors() {
        Fixture f = fixture();
        List<Case> cases = new ArrayList<>(HostileCases.all(f, flow("valid.waldiez")));
        assertThat(cases.size()).as("HTTP rows").isGreaterThanOrEqualTo(150);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(f, c)));
    }

    @TestFactory
    Stream<DynamicTest> hostileWebSocketFramesGetErrorFramesOrCloseCodes() {
        Fixture f = fixture();
        String url = "ws://127.0.0.1:" + port + "/ws/" + f.running();
        return HostileStreamCases.frames().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> HostileStreamCases.check(url, f.tokens().get(Who.TASKS), c)));
    }

    private void check(Fixture f, Case c) {
        Map<String, String> h = new java.util.LinkedHashMap<>(c.headers());
        String token = c.who() == Who.NOBODY ? null : f.tokens().get(c.who());
        if (token != null) {
            h.putIfAbsent("Authorization", "Bearer " + token);
        }
        RawHttp.Response r = RawHttp.send(port, c.method(), c.target(), h, c.body());
        String shown = HostileRequests.abbreviate(r.text().replace('\n', ' '));
        assertThat(r.status()).as("%s: body %s", c, shown).isLessThan(500);
        assertThat(r.status()).as("%s: body %s", c, shown).isEqualTo(c.status());
        switch (c.shape()) {
            case EMPTY -> assertThat(r.body()).as("%s: empty body", c).isEmpty();
            case DETAIL, DETAIL_LIST -> {
                assertThat(r.header("Content-Type")).as("%s: content type", c).startsWith("application/json");
                JsonNode body = readJson(r);
                JsonNode detail = body.path("detail");
                if (c.shape() == Shape.DETAIL) {
                    assertThat(detail.isTextual()).as("%s: detail string in %s", c, shown).isTrue();
                    if (c.detail() != null) {
                        assertThat(detail.asText()).as(c.toString()).isEqualTo(c.detail());
                    }
                } else {
                    assertThat(detail.isArray() && !detail.isEmpty()).as("%s: detail list in %s", c, shown).isTrue();
                    for (JsonNode e : detail) {
                        assertThat(e.path("type").isTextual() && e.path("loc").isArray() && e.path("msg").isTextual())
                                .as("%s: validation error shape %s", c, e).isTrue();
                    }
                }
            }
            case ANY -> {
                // the status says it all
            }
        }
    }

    private JsonNode readJson(RawHttp.Response r) {
        try {
            return json.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }

    static Map<String, String> ws(String... extra) {
        Map<String, String> h = headers("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13");
        h.putAll(headers(extra));
        return h;
    }

    static byte[] body(String s) {
        return utf8(s);
    }

    static Map<String, String> jsonHeaders() {
        return json();
    }
}
