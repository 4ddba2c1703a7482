package io.waldiez.runner.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.infra.RedisEndpoint;
import io.waldiez.runner.server.support.CodeFlows;
import io.waldiez.runner.server.tasks.TaskTestSupport;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;

/**
 * A flow is a tenant's untrusted code (docs/security.md). Flows submitted by an ordinary tasks-api
 * client, with the real runner, sandbox and Redis, try what a hostile tenant would: read the server's
 * secrets and data, read and write other tasks' Redis keys, forge a status for another task. Each
 * attempt is reported in the hostile run's own transcript; every one must be refused, and the victim
 * task, waiting for its owner's answer meanwhile, must finish untouched.
 *
 * <p>The attacker is given everything it could want to know (paths, the victim's id and request id,
 * ports): containment must not rely on secrecy.
 */
class HostileFlowsTest extends TaskTestSupport {

    private static final Pattern ATTEMPT = Pattern.compile("ATTACK ([a-z0-9-]+): (SUCCEEDED|REFUSED|WRITTEN)([^\n\"\\\\]*)");

    @Autowired
    private StatefulRedisConnection<String, String> redis;
    @Autowired
    private RedisEndpoint redisEndpoint;
    @Value("${waldiez.data-dir}")
    private String dataDir;
    @Value("${spring.datasource.url}")
    private String datasourceUrl;

    /** The attacks, as the body of the flow's method message; placeholders are filled per run. */
    private static final String ATTACKS = """
                import json, os, socket, struct
                import redis
                results = []
                def attempt(name, fn):
                    try:
                        out = fn()
                        results.append("ATTACK %s: SUCCEEDED %r" % (name, str(out)[:60]))
                    except Exception as e:
                        results.append("ATTACK %s: REFUSED %s" % (name, type(e).__name__))
                def server_processes():
                    found = [p for p in os.listdir("/proc") if p.isdigit()
                             and b"java" in open("/proc/%s/cmdline" % p, "rb").read()]
                    if not found:
                        raise LookupError("no server process in sight")
                    return found
                def postgres_without_password():
                    s = socket.create_connection(("127.0.0.1", PG_PORT), timeout=5)
                    params = b"user\\x00postgres\\x00database\\x00postgres\\x00\\x00"
                    s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
                    kind, length = s.recv(1), struct.unpack("!i", s.recv(4))[0]
                    code = struct.unpack("!i", s.recv(length - 4)[:4])[0] if kind == b"R" else None
                    if code == 0:
                        return "trusted"
                    raise PermissionError("authentication required (%s %s)" % (kind, code))
                attempt("read-jwt-key", lambda: open("DATA_DIR/jwt-secret.key").read())
                attempt("read-clients-json", lambda: open("DATA_DIR/clients.json").read())
                attempt("read-redis-password", lambda: open("DATA_DIR/redis-password").read())
                attempt("read-postgres-password", lambda: open("DATA_DIR/postgres-password").read())
                attempt("list-pgdata", lambda: os.listdir("DATA_DIR/pgdata"))
                attempt("list-other-tasks", lambda: os.listdir("DATA_DIR/tasks"))
                attempt("write-data-dir", lambda: open("DATA_DIR/pwned", "w").write("x"))
                attempt("see-server-process", server_processes)
                attempt("postgres-without-password", postgres_without_password)
                attempt("redis-as-default-user", lambda: redis.Redis(host="127.0.0.1", port=REDIS_PORT).keys("*"))
                r = redis.Redis.from_url(os.environ["WALDIEZ_REDIS_URL"], decode_responses=True)
                victim = "VICTIM_ID"
                attempt("redis-keys", lambda: r.keys("*"))
                attempt("redis-scan", lambda: r.scan(0))
                attempt("read-victim-output", lambda: r.xrange("task:%s:output" % victim))
                attempt("read-victim-status", lambda: r.xrange("task:%s:status" % victim))
                attempt("read-global-status", lambda: r.xrange("task-status"))
                attempt("read-global-output", lambda: r.xrange("task-output"))
                attempt("answer-victim-input", lambda: r.xadd("task:%s:input_response" % victim,
                        {"request_id": "VICTIM_REQUEST", "data": "INJECTED"}))
                attempt("write-victim-output", lambda: r.xadd("task:%s:output" % victim,
                        {"type": "print", "data": "INJECTED", "task_id": victim, "timestamp": "1"}))
                attempt("forge-victim-status", lambda: r.xadd("task:%s:status" % victim, {"kind": "status",
                        "task_id": victim, "status": "FAILED", "timestamp": "1", "data": "{}"}))
                attempt("cancel-victim", lambda: r.xadd("task:%s:status" % victim, {"kind": "control",
                        "task_id": victim, "action": "cancel", "reason": "INJECTED", "timestamp": "1"}))
                attempt("expire-victim-keys", lambda: r.expire("task:%s:output" % victim, 1))
                attempt("trim-global-status", lambda: r.xtrim("task-status", 0))
                attempt("flush-all", lambda: r.flushall())
                attempt("list-acl-users", lambda: r.execute_command("ACL", "LIST"))
                attempt("read-config", lambda: r.config_get("requirepass"))
                try:
                    r.xadd("task-status", {"kind": "status", "task_id": victim, "status": "COMPLETED",
                           "timestamp": "1", "data": json.dumps({"results": ["INJECTED"]})})
                    results.append("ATTACK forge-global-status: WRITTEN (a hint only: must change nothing)")
                except Exception as e:
                    results.append("ATTACK forge-global-status: REFUSED %s" % type(e).__name__)
                return "\\n".join(results)
            """;

    @Test
    void everyAttackOfAHostileFlowIsRefusedAndTheVictimFinishesUntouched() throws Exception {
        TestClient victimOwner = newClient(Audiences.TASKS_API);
        String victimToken = victimOwner.accessToken();
        String victim = startWaitingForInput(victimToken);
        String request = get(victimToken, victim).get("input_request_id").asText();

        TestClient attacker = newClient(Audiences.TASKS_API);
        String attackerToken = attacker.accessToken();
        Path data = Path.of(dataDir).toAbsolutePath().normalize();
        String code = ATTACKS.replace("DATA_DIR", data.toString()).replace("VICTIM_ID", victim)
                .replace("VICTIM_REQUEST", request)
                .replace("PG_PORT", Integer.toString(URI.create(datasourceUrl.substring("jdbc:".length())).getPort()))
                .replace("REDIS_PORT", Integer.toString(URI.create(redisEndpoint.url()).getPort()));
        ResponseEntity<JsonNode> created = create(attackerToken, "hostile.waldiez",
                CodeFlows.running(flowsDir(), code), Map.of());
        assertThat(created.getStatusCode().value()).as("%s", created.getBody()).isEqualTo(200);
        String hostile = created.getBody().get("id").asText();
        JsonNode done = awaitStatus(attackerToken, hostile, "COMPLETED");

        Map<String, String> attempts = attempts(hostile);
        attempts.forEach((name, outcome) -> LoggerFactory.getLogger(HostileFlowsTest.class).info("{}: {}", name, outcome));
        assertThat(attempts).as("the flow ran all its attacks").hasSize(26);
        attempts.forEach((name, outcome) -> {
            if (name.equals("forge-global-status")) {
                assertThat(outcome).as(name).startsWith("WRITTEN");
            } else {
                assertThat(outcome).as(name).startsWith("REFUSED");
            }
        });
        assertThat(Files.exists(data.resolve("pwned"))).isFalse();
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");

        // The victim: still waiting for the same request, its transcript and status untouched.
        JsonNode waiting = get(victimToken, victim);
        assertThat(waiting.get("status").asText()).isEqualTo("WAITING_FOR_INPUT");
        assertThat(waiting.get("input_request_id").asText()).isEqualTo(request);
        assertThat(transcript(victim)).noneMatch(s -> s.contains("INJECTED"));
        // Its owner answers (the first answer, then "exit"), and it completes with those answers only.
        answer(victimToken, victim, request, "from the owner");
        java.util.Set<String> answered = new java.util.HashSet<>(List.of(request));
        JsonNode finished = awaitTask(victimToken, victim, java.time.Duration.ofSeconds(120), t -> {
            String req = t.path("input_request_id").asText("");
            if ("WAITING_FOR_INPUT".equals(t.get("status").asText()) && answered.add(req)) {
                answer(victimToken, victim, req, "exit");
            }
            return "COMPLETED".equals(t.get("status").asText());
        });
        assertThat(finished.get("results").toString()).doesNotContain("INJECTED");
        assertThat(transcript(victim)).noneMatch(s -> s.contains("INJECTED")).anyMatch(s -> s.contains("from the owner"));
    }

    private void answer(String token, String task, String requestId, String text) {
        http(token).post().uri("/api/v1/tasks/{id}/input", task)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .body(Map.of("request_id", requestId, "data", text)).retrieve().toBodilessEntity();
    }

    /** The data of every entry of the task's output stream (read with the server's own connection). */
    private List<String> transcript(String taskId) {
        return redis.sync().xrange(StreamKeys.output(taskId), Range.create("-", "+")).stream()
                .map(StreamMessage::getBody).map(b -> b.getOrDefault("data", "")).toList();
    }

    /** Attack name to outcome, from the hostile run's transcript. */
    private Map<String, String> attempts(String taskId) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String data : transcript(taskId)) {
            Matcher m = ATTEMPT.matcher(data.replace("\\n", "\n"));
            while (m.find()) {
                out.put(m.group(1), m.group(2) + m.group(3));
            }
        }
        return out;
    }
}
