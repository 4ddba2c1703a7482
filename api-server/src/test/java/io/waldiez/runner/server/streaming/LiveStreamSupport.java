package io.waldiez.runner.server.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.protocol.Timestamps;
import io.waldiez.runner.server.common.Ids;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import io.waldiez.runner.server.tasks.TaskRecord;
import io.waldiez.runner.server.tasks.TaskRepository;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskTransitions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Helpers for the live-stream tests: tasks inserted as rows (no run is launched; the launcher
 * column is not "local", so restart recovery leaves them alone), a simulated runner that XADDs
 * protocol entries, and transitions driven through the real {@link TaskTransitions}.
 */
abstract class LiveStreamSupport extends ApiServerIntegrationTest {

    @Autowired
    protected TaskRepository tasks;
    @Autowired
    protected TaskTransitions transitions;
    @Autowired
    protected StatefulRedisConnection<String, String> redis;
    @Autowired
    protected TaskStreamHub hub;

    protected String newTask(TestClient owner) {
        String id = Ids.newId();
        var now = TaskRepository.now();
        tasks.insert(new TaskRecord(id, owner.id(), "flow-" + id, "sim.waldiez", 180, null, TaskStatus.PENDING, null,
                null, null, null, null, null, null, "simulated", null, null, null, now, now, null),
                "{}".getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** XADDs a print entry the way the runner does; returns its stream id. */
    protected String print(String taskId, String data) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", "print");
        f.put("data", data);
        f.put("task_id", taskId);
        f.put("timestamp", Timestamps.nowString());
        return redis.sync().xadd(StreamKeys.output(taskId), f);
    }

    protected String inputRequest(String taskId, String requestId, String prompt) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", "input_request");
        f.put("data", prompt);
        f.put("password", "False");
        f.put("request_id", requestId);
        f.put("task_id", taskId);
        f.put("timestamp", Timestamps.nowString());
        return redis.sync().xadd(StreamKeys.output(taskId), f);
    }

    protected List<String> streamIds(String taskId) {
        return redis.sync().xrange(StreamKeys.output(taskId), Range.create("-", "+")).stream()
                .map(StreamMessage::getId).toList();
    }

    protected String wsUrl(String taskId) {
        return "ws://127.0.0.1:" + port + "/ws/" + taskId;
    }

    protected WsProbe connect(TestClient client, String taskId) {
        return WsProbe.open(wsUrl(taskId), Map.of("Authorization", client.bearer()));
    }

    protected WsProbe connectAfter(TestClient client, String taskId, String after) {
        return WsProbe.open(wsUrl(taskId) + "?after=" + after, Map.of("Authorization", client.bearer()));
    }

    protected static boolean isStatus(JsonNode n, String status) {
        return "status".equals(n.path("type").asText()) && status.equals(n.path("data").path("status").asText());
    }
}
