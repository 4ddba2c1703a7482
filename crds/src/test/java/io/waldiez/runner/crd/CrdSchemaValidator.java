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
 * with cel-java; transition rules that use oldSelf do not apply on create).
 */
final class CrdSchemaValidator {

    private final JsonNode openApiSchema;
    private final JsonSchema jsonSchema;
    private final CelCompiler cel = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).build();
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
            evaluateRules(openApiSchema, resource, "", errors);
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

    private void evaluateRules(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expr = rule.get("rule").asText();
            if (expr.contains("oldSelf")) {
                continue;
            }
            if (!Boolean.TRUE.equals(eval(expr, value))) {
                errors.add((path.isEmpty() ? "<root>" : path) + ": " + rule.path("message").asText(expr));
            }
        }
        JsonNode props = schema.path("properties");
        props.fieldNames().forEachRemaining(name -> evaluateRules(props.get(name), value.get(name), path + "." + name, errors));
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                evaluateRules(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private Object eval(String expr, JsonNode self) {
        try {
            CelAbstractSyntaxTree ast = cel.compile(expr).getAst();
            return celRuntime.createProgram(ast).eval(Map.of("self", toCel(self)));
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
