package io.waldiez.runner.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.parser.CelStandardMacro;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a custom resource the way the API server would on create: the CRD's structural
 * schema (converted to JSON Schema for networknt's validator; unknown fields rejected as
 * kubectl's strict field validation does) and the x-kubernetes-validations CEL rules (evaluated
 * with cel-java; transition rules that use oldSelf do not apply on create). {@link #validateUpdate}
 * adds the transition rules as the API server evaluates them on update: only where the field
 * exists in both the old and the new object.
 */
final class CrdSchemaValidator {

    private final JsonNode openApiSchema;
    private final JsonSchema jsonSchema;
    private final CelCompiler cel = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).build();
    private final CelRuntime celRuntime = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    CrdSchemaValidator(JsonNode crd) {
        this.openApiSchema = CrdFiles.openApiSchema(crd);
        ObjectNode converted = openApiSchema.deepCopy();
        toJsonSchema(converted);
        // The CRD schema leaves apiVersion, kind and metadata to the API server.
        ObjectNode props = (ObjectNode) converted.get("properties");
        props.putObject("apiVersion").put("type", "string");
        props.putObject("kind").put("type", "string");
        props.putObject("metadata").put("type", "object");
        this.jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(converted);
    }

    /** @return the error messages; empty if the resource is accepted. */
    List<String> validate(JsonNode resource) {
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : jsonSchema.validate(resource)) {
            errors.add(m.getMessage());
        }
        if (errors.isEmpty()) {
            evaluateRules(openApiSchema, resource, null, "", errors);
        }
        return errors;
    }

    /** As {@link #validate}, plus the transition rules (oldSelf) against the stored object. */
    List<String> validateUpdate(JsonNode stored, JsonNode updated) {
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : jsonSchema.validate(updated)) {
            errors.add(m.getMessage());
        }
        if (errors.isEmpty()) {
            evaluateRules(openApiSchema, updated, stored, "", errors);
        }
        return errors;
    }

    private static void toJsonSchema(JsonNode node) {
        if (!(node instanceof ObjectNode obj)) {
            if (node != null && node.isArray()) {
                node.forEach(CrdSchemaValidator::toJsonSchema);
            }
            return;
        }
        boolean preserveUnknown = obj.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (obj.has("properties") && !obj.has("additionalProperties") && !preserveUnknown) {
            obj.put("additionalProperties", false);
        }
        List<String> extensions = new ArrayList<>();
        obj.fieldNames().forEachRemaining(f -> {
            if (f.startsWith("x-kubernetes-")) {
                extensions.add(f);
            }
        });
        obj.remove(extensions);
        obj.remove("default"); // defaults are applied by the API server, not validated
        for (Iterator<JsonNode> it = obj.elements(); it.hasNext(); ) {
            toJsonSchema(it.next());
        }
        if (obj.has("properties")) {
            obj.get("properties").forEach(CrdSchemaValidator::toJsonSchema);
        }
    }

    /** {@code old} is the stored value at the same path, or null (create, or absent before). */
    private void evaluateRules(JsonNode schema, JsonNode value, JsonNode old, String path, List<String> errors) {
        if (absent(value)) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expr = rule.get("rule").asText();
            boolean transition = expr.contains("oldSelf");
            if (transition && absent(old)) {
                continue; // as the API server: transition rules need the field in both objects
            }
            if (!Boolean.TRUE.equals(eval(expr, value, transition ? old : null))) {
                errors.add((path.isEmpty() ? "<root>" : path) + ": " + rule.path("message").asText(expr));
            }
        }
        JsonNode props = schema.path("properties");
        props.fieldNames().forEachRemaining(name -> evaluateRules(props.get(name), value.get(name),
                absent(old) ? null : old.get(name), path + "." + name, errors));
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                evaluateRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors);
            }
        }
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull();
    }

    private Object eval(String expr, JsonNode self, JsonNode oldSelf) {
        try {
            CelAbstractSyntaxTree ast = cel.compile(expr).getAst();
            Map<String, Object> vars = oldSelf == null ? Map.of("self", toCel(self))
                    : Map.of("self", toCel(self), "oldSelf", toCel(oldSelf));
            return celRuntime.createProgram(ast).eval(vars);
        } catch (Exception e) {
            throw new IllegalStateException("CEL rule '" + expr + "' failed: " + e.getMessage(), e);
        }
    }

    private static Object toCel(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), toCel(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(toCel(e)));
            return l;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        return n.asText();
    }
}
