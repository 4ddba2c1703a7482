package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code env_vars} form field (spec §6.5): the original's checks, order and messages. The
 * result goes to the run only; it is never stored or returned.
 */
public final class EnvVars {

    private static final Set<String> PROTECTED = Set.of("PATH", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH",
            "PYTHONPATH", "LD_PRELOAD", "LD_AUDIT", "MALLOC_CHECK_", "HOME", "USER", "USERNAME", "LOGNAME",
            "SHELL", "TERM", "PWD", "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY", "NO_PROXY", "TMPDIR",
            "TMP", "TEMP", "TEMPDIR", "PYTHONSTARTUP", "PYTHONEXECUTABLE", "PYTHONHOME", "PYTHONDEBUG",
            "PYTHONINSPECT", "PYTHONOPTIMIZE");
    private static final Pattern KEY = Pattern.compile("^[A-Z_][A-Z0-9_]*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNSAFE_VALUE = Pattern.compile(
            "[;&|`$(){}]|\\.\\./|\\.\\.\\\\|\\\\x[0-9a-fA-F]{2}|%[0-9a-fA-F]{2}|https?://|ftp://", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvVars() {
    }

    /** @return the variables (empty for null/blank), or a 400 with the original's message */
    public static Map<String, String> parse(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        if (raw.length() > 5000) {
            throw FlowValidator.bad("env_vars JSON string exceeds 5000 bytes");
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw FlowValidator.bad("Invalid JSON format for env_vars");
        }
        if (node == null || !node.isObject()) {
            throw FlowValidator.bad("env_vars must be a JSON object");
        }
        if (node.size() > 30) {
            throw FlowValidator.bad("env_vars JSON object exceeds 30 items");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String value = pythonStr(e.getValue());
            String upper = key.toUpperCase(Locale.ROOT);
            // WALDIEZ_* configure the runner itself: a flow must not redirect it (superset rule).
            if (PROTECTED.contains(upper) || upper.startsWith("WALDIEZ_")) {
                throw FlowValidator.bad("Cannot override protected system variable: " + key);
            }
            if (key.length() > 50) {
                throw FlowValidator.bad("env_vars key '" + key + "' exceeds 50 characters");
            }
            if (value.length() > 500) {
                throw FlowValidator.bad("env_vars value for key '" + key + "' exceeds 500 characters");
            }
            if (!KEY.matcher(key).matches()) {
                throw FlowValidator.bad("env_vars key '" + key + "' contains unsafe characters");
            }
            if (UNSAFE_VALUE.matcher(value).find()) {
                throw FlowValidator.bad("env_vars value for key '" + key + "' contains unsafe characters");
            }
            out.put(key, value);
        }
        return out;
    }

    /** Python's str() of a JSON value, as the original wrote it to the .env file. */
    private static String pythonStr(JsonNode v) {
        if (v.isNull()) {
            return "None";
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "True" : "False";
        }
        if (v.isTextual()) {
            return v.asText();
        }
        return v.toString();
    }
}
