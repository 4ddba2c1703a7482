package io.waldiez.runner.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {
    private final ProtocolCodec codec = new ProtocolCodec();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void keysFollowTheProtocol() {
        assertThat(StreamKeys.output("abc")).isEqualTo("task:abc:output");
        assertThat(StreamKeys.inputResponse("abc")).isEqualTo("task:abc:input_response");
        assertThat(StreamKeys.status("abc")).isEqualTo("task:abc:status");
        assertThat(StreamKeys.allFor("abc")).hasSize(5);
        assertThatThrownBy(() -> StreamKeys.output("a:b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamKeys.output("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusRoundTrips() throws Exception {
        var data = json.readTree("{\"request_id\":\"r1\",\"prompt\":\"> \",\"password\":false}");
        Map<String, String> fields = codec.encodeStatus("t1", RunnerStatus.WAITING_FOR_INPUT, data);
        StatusEntry e = codec.decodeStatus("1-0", fields).orElseThrow();
        assertThat(e.status()).isEqualTo(RunnerStatus.WAITING_FOR_INPUT);
        assertThat(e.requestId()).isEqualTo("r1");
        assertThat(e.prompt()).isEqualTo("> ");
        assertThat(e.timestampMicros()).isPositive();
    }

    @Test
    void malformedStatusIsEmptyNotAnError() {
        assertThat(codec.decodeStatus("1-0", Map.of("kind", "status", "status", "NOPE", "task_id", "t"))).isEmpty();
        assertThat(codec.decodeStatus("1-0", Map.of("kind", "status", "status", "RUNNING", "task_id", "t",
                "data", "{not json"))).isEmpty();
        assertThat(codec.decodeStatus("1-0", Map.of("kind", "control", "action", "cancel", "task_id", "t"))).isEmpty();
        assertThat(codec.decodeStatus("1-0", null)).isEmpty();
    }

    @Test
    void controlRoundTrips() {
        Map<String, String> fields = codec.encodeControl(ControlEntry.cancel("t1", "user asked"));
        assertThat(fields).containsEntry("kind", "control").containsEntry("action", "cancel");
        assertThat(codec.decodeControl(fields)).contains(new ControlEntry("t1", "cancel", "user asked"));
    }

    @Test
    void outputEntryKeepsOriginalFieldOrderAndAddsId() {
        OutputEntry e = codec.decodeOutput("5-1", Map.of("task_id", "t", "type", "input_request",
                "data", "> ", "password", "False", "request_id", "r", "timestamp", "1"));
        assertThat(e.withId().keySet()).containsExactly("type", "request_id", "data", "password", "task_id",
                "timestamp", "id");
    }

    @Test
    void exitCodesAreDescribed() {
        assertThat(ExitCodes.describe(ExitCodes.CANCELLED)).isEqualTo("cancelled");
        assertThat(ExitCodes.describe(137)).contains("SIGKILL");
    }

    @Test
    void aTasksOwnStatusStreamSpeaksOnlyForThatTask() {
        ProtocolCodec codec = new ProtocolCodec();
        var forged = codec.encodeStatus("victim", RunnerStatus.COMPLETED, null);
        assertThat(codec.decodeOwnStatus("attacker", "1-0", forged)).isEmpty();
        assertThat(codec.decodeOwnStatus("victim", "1-0", forged)).isPresent();
    }

    @Test
    void aHintIsOnlyATaskId() {
        ProtocolCodec codec = new ProtocolCodec();
        assertThat(codec.decodeHint(java.util.Map.of("task_id", "abc", "status", "COMPLETED"))).contains("abc");
        assertThat(codec.decodeHint(java.util.Map.of("task_id", "../x"))).isEmpty();
        assertThat(codec.decodeHint(java.util.Map.of())).isEmpty();
    }
}
