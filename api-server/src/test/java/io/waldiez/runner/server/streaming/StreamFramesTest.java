package io.waldiez.runner.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.protocol.OutputEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of an output frame: the original's field order and its rule for print data that is JSON. */
class StreamFramesTest {

    private final ObjectMapper json = new ObjectMapper();
    private final StreamFrames frames = new StreamFrames(json);

    private JsonNode frameOf(String type, String data) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("timestamp", "1700000000000000");
        fields.put("task_id", "t1");
        fields.put("data", data);
        fields.put("type", type);
        Frame f = frames.output(new OutputEntry("1-0", fields));
        assertThat(f.json()).doesNotContain("\n").doesNotContain("\r");
        return json.readTree(f.json());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void fieldsGoOutInTheOriginalsOrderWithTheStreamIdLast() throws Exception {
        JsonNode node = frameOf("print", "hello");
        assertThat(names(node)).containsExactly("type", "data", "task_id", "timestamp", "id");
        assertThat(node.get("data").asText()).isEqualTo("hello");
        assertThat(node.get("timestamp").isTextual()).as("fields stay strings, as written").isTrue();
        assertThat(node.get("id").asText()).isEqualTo("1-0");
    }

    @Test
    void printDataThatIsOneJsonObjectOrArrayIsSentParsed() throws Exception {
        JsonNode obj = frameOf("print", "{\"type\": \"text\", \"content\": {\"n\": 1.5, \"s\": \"\\u00e9\\n\"}}");
        assertThat(obj.get("data").isObject()).isTrue();
        assertThat(obj.at("/data/content/n").asDouble()).isEqualTo(1.5);
        assertThat(obj.at("/data/content/s").asText()).isEqualTo("é\n");

        JsonNode arr = frameOf("print", "  [1, \"two\", null]");
        assertThat(arr.get("data").isArray()).isTrue();
        assertThat(arr.get("data")).hasSize(3);
    }

    @Test
    void multiLineJsonIsRewrittenOnOneLine() throws Exception {
        JsonNode node = frameOf("print", "{\n  \"a\": [1,\n 2],\r\n  \"b\": \"x\"\n}");
        assertThat(node.get("data").isObject()).isTrue();
        assertThat(node.at("/data/a/1").asInt()).isEqualTo(2);
        assertThat(node.at("/data/b").asText()).isEqualTo("x");
    }

    @Test
    void anythingElseStaysAString() throws Exception {
        for (String data : List.of("{not json", "{\"a\": 1} trailing", "{\"a\": 1} {\"b\": 2}", "[1, 2", "42",
                "\"quoted\"", "{\"a\": NaN}", "")) {
            JsonNode node = frameOf("print", data);
            assertThat(node.get("data").isTextual()).as(data).isTrue();
            assertThat(node.get("data").asText()).isEqualTo(data);
        }
        // Only print entries are parsed: an input request's prompt is text even when it looks like JSON.
        JsonNode request = frameOf("input_request", "{\"a\": 1}");
        assertThat(request.get("data").isTextual()).isTrue();
    }

    @Test
    void unknownFieldsFollowTheKnownOnesAndAFieldNamedIdCannotDuplicateTheStreamId() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("extra", "e");
        fields.put("id", "forged");
        fields.put("type", "print");
        fields.put("data", "x");
        String text = frames.output(new OutputEntry("7-1", fields)).json();
        JsonNode node = json.readTree(text);
        assertThat(names(node)).containsExactly("type", "data", "extra", "id");
        assertThat(node.get("id").asText()).isEqualTo("7-1");
        assertThat(text.indexOf("\"id\"")).isEqualTo(text.lastIndexOf("\"id\""));
    }
}
