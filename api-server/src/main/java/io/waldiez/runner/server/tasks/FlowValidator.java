package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waldiez.runner.server.common.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Checks an uploaded {@code .waldiez} file before anything runs (spec §6.1 plus the waldiez
 * schema's essentials), so an invalid flow is a 400 that says what is wrong instead of a FAILED run.
 * Messages about the content start with {@code Invalid flow: }.
 */
@Component
public class FlowValidator {

    public static final String SUFFIX = ".waldiez";
    private static final String AGENT_KEYS_HINT = "data.agents";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final TasksProperties props;

    public FlowValidator(TasksProperties props) {
        this.props = props;
    }

    /**
     * The base name of a multipart part's file name: browsers and clients may send a path
     * ({@code C:\\Users\\me\\flow.waldiez}, {@code ../../x.waldiez}); only the last segment is kept,
     * stored and shown.
     */
    public static String baseName(String filename) {
        if (filename == null) {
            return null;
        }
        int cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
        return filename.substring(cut + 1);
    }

    /** Name rules of the original: present, ending (case-sensitively) in {@code .waldiez}; no control characters. */
    public void checkName(String filename) {
        if (filename == null || filename.isBlank() || filename.chars().anyMatch(Character::isISOControl)) {
            throw bad("Invalid file");
        }
        if (!filename.endsWith(SUFFIX)) {
            throw bad("Invalid file type");
        }
    }

    public void checkSize(long size) {
        if (size == 0) {
            throw bad("Uploaded file is empty");
        }
        long max = props.maxFileSize().toBytes();
        if (size > max) {
            throw bad("File exceeds maximum size of " + String.format(java.util.Locale.ROOT, "%.1f", max / 1048576.0) + " MB");
        }
    }

    /** Content checks; returns the parsed flow. */
    public JsonNode validate(byte[] content) {
        checkSize(content.length);
        String mime = binaryType(content);
        if (mime != null) {
            throw bad("Invalid file type: " + mime);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw bad("Could not detect MIME type");
        }
        JsonNode flow;
        try {
            flow = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's limit errors (nesting depth, number length) carry no location.
            String where = e.getLocation() == null ? ""
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw invalid("the file is not valid JSON (" + where + e.getOriginalMessage() + ")");
        }
        if (flow == null || !flow.isObject()) {
            throw invalid("the top level must be a JSON object");
        }
        checkSchema(flow);
        return flow;
    }

    private static void checkSchema(JsonNode flow) {
        JsonNode type = flow.get("type");
        if (type == null || !type.isTextual() || !"flow".equals(type.asText())) {
            throw invalid("\"type\" must be \"flow\"");
        }
        JsonNode data = flow.get("data");
        if (data == null || !data.isObject()) {
            throw invalid("\"data\" must be an object");
        }
        for (String key : new String[] {"nodes", "edges"}) {
            JsonNode n = data.get(key);
            if (n != null && !n.isArray()) {
                throw invalid("\"data." + key + "\" must be an array");
            }
        }
        for (String key : new String[] {"isAsync", "silent"}) {
            JsonNode n = data.get(key);
            if (n != null && !n.isNull() && !n.isBoolean()) {
                throw invalid("\"data." + key + "\" must be true or false");
            }
        }
        Set<String> models = ids(data, "models");
        Set<String> tools = ids(data, "tools");
        JsonNode agentGroups = data.get("agents");
        if (agentGroups == null || !agentGroups.isObject()) {
            throw invalid("\"" + AGENT_KEYS_HINT + "\" must be an object of agent lists");
        }
        // id -> name, and which agents must take part in a chat (group members and managers need not).
        Map<String, String> agents = new LinkedHashMap<>();
        Map<String, String> mustChat = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> groups = agentGroups.fields();
        while (groups.hasNext()) {
            Map.Entry<String, JsonNode> group = groups.next();
            String where = "data.agents." + group.getKey();
            if (!group.getValue().isArray()) {
                throw invalid("\"" + where + "\" must be an array");
            }
            int i = 0;
            for (JsonNode agent : group.getValue()) {
                String at = where + "[" + i++ + "]";
                if (!agent.isObject()) {
                    throw invalid("\"" + at + "\" must be an object");
                }
                String id = text(agent, "id", at);
                String name = agent.hasNonNull("name") && agent.get("name").isTextual() ? agent.get("name").asText() : id;
                if (agents.put(id, name) != null) {
                    throw invalid("agent id " + id + " is used twice");
                }
                JsonNode agentData = agent.get("data");
                if (agentData != null && !agentData.isNull() && !agentData.isObject()) {
                    throw invalid("\"" + at + ".data\" must be an object");
                }
                checkRefs(agentData, "modelIds", models, "model", id, name);
                checkRefs(agentData, "tools", tools, "tool", id, name);
                boolean groupManager = "groupManagerAgents".equals(group.getKey())
                        || "group_manager".equals(agent.path("agentType").asText(""));
                boolean member = agentData != null && agentData.hasNonNull("parentId");
                if (!groupManager && !member) {
                    mustChat.put(id, name);
                }
            }
        }
        JsonNode chats = data.get("chats");
        if (chats == null || !chats.isArray()) {
            throw invalid("\"data.chats\" must be an array");
        }
        Set<String> chatting = new HashSet<>();
        int i = 0;
        for (JsonNode chat : chats) {
            String at = "data.chats[" + i++ + "]";
            if (!chat.isObject()) {
                throw invalid("\"" + at + "\" must be an object");
            }
            String chatId = chat.hasNonNull("id") ? chat.get("id").asText() : at;
            for (String end : new String[] {"source", "target"}) {
                String agent = text(chat, end, at);
                if (!agents.containsKey(agent)) {
                    throw invalid("chat " + chatId + " has " + end + " " + agent + ", which is not an agent of the flow");
                }
                chatting.add(agent);
            }
        }
        for (Map.Entry<String, String> a : mustChat.entrySet()) {
            if (!chatting.contains(a.getKey())) {
                throw invalid("Agent " + a.getKey() + " (" + a.getValue() + ") does not connect to any other node.");
            }
        }
    }

    private static Set<String> ids(JsonNode data, String key) {
        JsonNode list = data.get(key);
        if (list == null || !list.isArray()) {
            throw invalid("\"data." + key + "\" must be an array");
        }
        Set<String> ids = new HashSet<>();
        int i = 0;
        for (JsonNode item : list) {
            String at = "data." + key + "[" + i++ + "]";
            if (!item.isObject()) {
                throw invalid("\"" + at + "\" must be an object");
            }
            ids.add(text(item, "id", at));
        }
        return ids;
    }

    private static void checkRefs(JsonNode agentData, String key, Set<String> known, String kind, String id, String name) {
        if (agentData == null || !agentData.has(key) || agentData.get(key).isNull()) {
            return;
        }
        JsonNode refs = agentData.get(key);
        if (!refs.isArray()) {
            throw invalid("agent " + id + " (" + name + "): \"data." + key + "\" must be an array");
        }
        for (JsonNode ref : refs) {
            // modelIds holds ids; tools holds {"id": ..., "executorId": ...} objects (or ids).
            String ref_id = ref.isTextual() ? ref.asText() : ref.path("id").isTextual() ? ref.path("id").asText() : null;
            if (ref_id == null) {
                throw invalid("agent " + id + " (" + name + "): bad entry in \"data." + key + "\"");
            }
            if (!known.contains(ref_id)) {
                throw invalid("agent " + id + " (" + name + ") uses " + kind + " " + ref_id + ", which is not in the flow");
            }
        }
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw invalid("\"" + at + "." + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    /** A few binary signatures (the original sniffs with puremagic): named, so the message says what it is. */
    private static String binaryType(byte[] b) {
        if (startsWith(b, 'P', 'K', 3, 4) || startsWith(b, 'P', 'K', 5, 6)) {
            return "application/zip";
        }
        if (startsWith(b, 0x1f, 0x8b)) {
            return "application/gzip";
        }
        if (startsWith(b, '%', 'P', 'D', 'F')) {
            return "application/pdf";
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(b, 0xff, 0xd8, 0xff)) {
            return "image/jpeg";
        }
        if (startsWith(b, 0x7f, 'E', 'L', 'F')) {
            return "application/x-executable";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int... sig) {
        if (b.length < sig.length) {
            return false;
        }
        for (int i = 0; i < sig.length; i++) {
            if ((b[i] & 0xff) != sig[i]) {
                return false;
            }
        }
        return true;
    }

    static ApiException bad(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message);
    }

    static ApiException invalid(String what) {
        return bad("Invalid flow: " + what);
    }
}
