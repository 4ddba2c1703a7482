package io.waldiez.runner.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.RawHttp;
import io.waldiez.runner.server.tasks.TaskTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 11 item 6: the page served through a reverse proxy calls the API from its own origin, with
 * the headers nginx (the original's config: {@code Host $host}, {@code X-Forwarded-Proto $scheme}, no
 * port) and ingress-nginx send by default. Same-origin requests are never refused; foreign origins
 * are, and every refusal (REST CORS and WebSocket) leaves a log line.
 */
class ReverseProxyOriginTest extends TaskTestSupport {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger originLog = (Logger) LoggerFactory.getLogger(OriginPolicy.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        originLog.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        originLog.detachAppender(logs);
    }

    /** nginx: Host without the port, the scheme, nothing about the port the browser used. */
    private static Map<String, String> nginx(String origin) {
        return headers("Host", "runner.example", "X-Forwarded-Proto", "http", "X-Forwarded-For", "10.1.2.3",
                "X-Real-IP", "10.1.2.3", "Origin", origin);
    }

    /** ingress-nginx defaults: Host with the port when not the default, X-Forwarded-Host/Port/Proto/Scheme. */
    private static Map<String, String> ingress(String origin, String port) {
        return headers("Host", "runner.example" + (port.equals("443") ? "" : ":" + port),
                "X-Forwarded-Host", "runner.example", "X-Forwarded-Port", port, "X-Forwarded-Proto", "https",
                "X-Forwarded-Scheme", "https", "X-Forwarded-For", "10.1.2.3", "X-Real-IP", "10.1.2.3",
                "X-Request-ID", "abc", "Origin", origin);
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.put(kv[i], kv[i + 1]);
        }
        return h;
    }

    private RawHttp.Response token(Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/x-www-form-urlencoded");
        return RawHttp.send(port, "POST", "/auth/token", h, "client_id=nobody&client_secret=x".getBytes(StandardCharsets.UTF_8));
    }

    private RawHttp.Response upgrade(String taskId, String token, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putAll(HostileInputTest.ws());
        return RawHttp.send(port, "GET", "/ws/" + taskId + "?access_token=" + token, h, null);
    }

    @Test
    void samePageBehindNginxOnANonDefaultPortIsNotRefused() {
        for (String origin : new String[] {"http://runner.example:8080", "http://runner.example"}) {
            RawHttp.Response r = token(nginx(origin));
            assertThat(r.status()).as("%s: %s", origin, r.text()).isEqualTo(401);
        }
        TestClient alice = newClient(Audiences.TASKS_API);
        String task = insertRow(alice.id(), "a.waldiez", "RUNNING", Instant.now());
        RawHttp.Response ws = upgrade(task, alice.accessToken(), nginx("http://runner.example:8080"));
        assertThat(ws.status()).isEqualTo(101);
        assertThat(logs.list).isEmpty();
    }

    @Test
    void samePageBehindIngressNginxIsNotRefused() {
        assertThat(token(ingress("https://runner.example", "443")).status()).isEqualTo(401);
        assertThat(token(ingress("https://runner.example:8443", "8443")).status()).isEqualTo(401);
        TestClient bob = newClient(Audiences.TASKS_API);
        String task = insertRow(bob.id(), "b.waldiez", "RUNNING", Instant.now());
        assertThat(upgrade(task, bob.accessToken(), ingress("https://runner.example:8443", "8443")).status())
                .isEqualTo(101);
        assertThat(logs.list).isEmpty();
    }

    @Test
    void foreignOriginsAreRefusedAndEveryRefusalIsLogged() {
        // another host, and the right host on another port than the one the request states
        RawHttp.Response rest = token(nginx("http://evil.example:8080"));
        assertThat(rest.status()).isEqualTo(403);
        assertThat(rest.text()).isEqualTo("{\"detail\":\"Invalid CORS request\"}");
        assertThat(token(ingress("https://runner.example:9999", "8443")).status()).isEqualTo(403);
        TestClient carol = newClient(Audiences.TASKS_API);
        String task = insertRow(carol.id(), "c.waldiez", "RUNNING", Instant.now());
        assertThat(upgrade(task, carol.accessToken(), nginx("http://evil.example")).status()).isEqualTo(403);
        assertThat(logs.list).hasSize(3);
        assertThat(logs.list).allSatisfy(e -> {
            assertThat(e.getFormattedMessage()).contains("refused (403)", "Host runner.example");
            assertThat(e.getFormattedMessage()).doesNotContain(carol.accessToken());
        });
        // the configured origin still works cross-origin
        assertThat(token(headers("Origin", "http://localhost:3000")).status()).isEqualTo(401);
    }
}
