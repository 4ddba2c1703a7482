package io.waldiez.runner.server.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code /openapi.json} as clients need it (issue 13): the bearer security scheme on the routes that
 * need a token, every error status a route can answer with its body ({@code ErrorBody} or FastAPI's
 * {@code ValidationErrorBody} for 422), and nullability as the JSON really is: the fields listed in
 * {@link #REQUIRED} are always present and never null; every other response field may be null.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {

    static final String BEARER = "bearerAuth";
    static final String ERROR = "ErrorBody";
    static final String VALIDATION = "ValidationErrorBody";

    /** Per response schema: the fields that are always there and never null. */
    static final Map<String, List<String>> REQUIRED = Map.of(
            "TaskResponse", List.of("id", "created_at", "updated_at", "client_id", "flow_id", "filename", "status",
                    "input_timeout"),
            "TokensResponse", List.of("access_token", "refresh_token", "token_type", "expires_at",
                    "refresh_expires_at", "audience"),
            "TaskCountResponse", List.of("count"),
            "ServerStatus", List.of("healthy", "active_tasks", "pending_tasks", "max_capacity", "cpu_percent",
                    "total_memory", "used_memory", "memory_percent"),
            "ClientResponse", List.of("id", "client_id", "audience", "name", "created_at", "updated_at"),
            "ClientCreateResponse", List.of("id", "client_id", "audience", "name", "created_at", "updated_at",
                    "client_secret"));

    /** Stable operation ids (generated clients name their functions after them): "METHOD path" → id. */
    static final Map<String, String> OPERATION_IDS = Map.ofEntries(
            Map.entry("POST /auth/token", "get_token"),
            Map.entry("POST /auth/token/refresh", "refresh_token"),
            Map.entry("GET /health", "health"),
            Map.entry("GET /healthz", "healthz"),
            Map.entry("GET /status", "get_status"),
            Map.entry("GET /api/v1/tasks", "list_tasks"),
            Map.entry("POST /api/v1/tasks", "create_task"),
            Map.entry("DELETE /api/v1/tasks", "delete_tasks"),
            Map.entry("POST /api/v1/tasks/upload", "upload_flow"),
            Map.entry("GET /api/v1/tasks/count", "count_tasks"),
            Map.entry("GET /api/v1/tasks/{taskId}", "get_task"),
            Map.entry("PATCH /api/v1/tasks/{taskId}", "update_task"),
            Map.entry("PUT /api/v1/tasks/{taskId}", "replace_task"),
            Map.entry("DELETE /api/v1/tasks/{taskId}", "delete_task"),
            Map.entry("POST /api/v1/tasks/{taskId}/input", "send_input"),
            Map.entry("POST /api/v1/tasks/{taskId}/cancel", "cancel_task"),
            Map.entry("GET /api/v1/tasks/{taskId}/download", "download_task"),
            Map.entry("GET /api/v1/tasks/{taskId}/stream", "stream_task"),
            Map.entry("GET /api/v1/admin/tasks", "list_all_tasks"),
            Map.entry("GET /api/v1/clients", "list_clients"),
            Map.entry("POST /api/v1/clients", "create_client"),
            Map.entry("DELETE /api/v1/clients", "delete_clients"),
            Map.entry("GET /api/v1/clients/{id}", "get_client"),
            Map.entry("PATCH /api/v1/clients/{id}", "update_client"),
            Map.entry("PUT /api/v1/clients/{id}", "replace_client"),
            Map.entry("DELETE /api/v1/clients/{id}", "delete_client"));

    @Bean
    OpenAPI waldiezOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Waldiez Runner API").version("v1")
                        .description("Runs Waldiez flows. Compatible with the original waldiez-runner server (0.7.1); "
                                + "see docs/api.md. Live streams: WebSocket /ws/{task_id} and SSE "
                                + "/api/v1/tasks/{task_id}/stream."))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT")
                                .description("access_token from POST /auth/token (client credentials)")));
    }

    /** The error bodies (added by the customizer: springdoc rebuilds the schemas it generates). */
    private static void errorSchemas(Components components) {
        Schema<?> validationError = new ObjectSchema()
                .addProperty("type", new StringSchema())
                .addProperty("loc", new ArraySchema().items(new Schema<>().anyOf(List.of(new StringSchema(),
                        new IntegerSchema()))))
                .addProperty("msg", new StringSchema())
                .addProperty("input", new Schema<>().description("the value that was refused, when it is shown"))
                .required(List.of("type", "loc", "msg"));
        components.addSchemas(ERROR, new ObjectSchema().addProperty("detail", new StringSchema())
                        .required(List.of("detail")))
                .addSchemas("ValidationError", validationError)
                .addSchemas(VALIDATION, new ObjectSchema()
                        .addProperty("detail", new ArraySchema().items(ref("ValidationError")))
                        .required(List.of("detail")));
    }

    @Bean
    OpenApiCustomizer errorsSecurityAndNulls() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            errorSchemas(openApi.getComponents());
            if (openApi.getPaths() != null) {
                openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                        .forEach((method, op) -> describe(path, method, op)));
            }
            if (openApi.getComponents() != null && openApi.getComponents().getSchemas() != null) {
                openApi.getComponents().getSchemas().forEach(OpenApiConfig::nullability);
            }
        };
    }

    private static void describe(String path, PathItem.HttpMethod method, Operation op) {
        String id = OPERATION_IDS.get(method.name() + " " + path);
        if (id != null) {
            op.setOperationId(id);
        }
        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        op.setResponses(responses);
        successes(path, responses);
        boolean secured = path.startsWith("/api/") || path.equals("/status");
        if (secured) {
            op.addSecurityItem(new SecurityRequirement().addList(BEARER));
        }
        // Any route: a body the server cannot parse (e.g. multipart without a boundary) or a request the
        // firewall refuses.
        error(responses, "400", "Bad request: " + (path.startsWith("/api/v1/tasks") ? "the rule it breaks" : "see detail"));
        if (secured || path.startsWith("/auth/")) {
            error(responses, "401", "Not authenticated / Invalid credentials.");
        }
        boolean hasInput = op.getRequestBody() != null
                || (op.getParameters() != null && !op.getParameters().isEmpty());
        if (hasInput) {
            responses.putIfAbsent("422", new ApiResponse().description("Request validation failed")
                    .content(json(VALIDATION)));
        }
        if (path.contains("{")) {
            error(responses, "404", "Not found (or not yours)");
        }
        if (op.getRequestBody() != null) {
            error(responses, "415", "Unsupported media type");
            if (op.getRequestBody().getContent() != null
                    && op.getRequestBody().getContent().containsKey("multipart/form-data")) {
                error(responses, "413", "Request too large.");
            }
        }
        if ((path.equals("/api/v1/tasks") && method == PathItem.HttpMethod.POST) || path.endsWith("/stream")) {
            error(responses, "429", "Too many active tasks / streams");
        }
        if (path.startsWith("/api/v1/clients") && method == PathItem.HttpMethod.DELETE) {
            error(responses, "403", "You are not allowed to delete this client.");
        }
    }

    /** What the method signatures cannot tell: 204s, the zip, the event stream. */
    private static void successes(String path, ApiResponses responses) {
        ApiResponse ok = responses.get("200");
        if (path.endsWith("/download")) {
            responses.put("200", new ApiResponse().description("the task as a zip").content(new Content()
                    .addMediaType("application/zip", new MediaType().schema(new StringSchema().format("binary")))));
        } else if (path.endsWith("/stream")) {
            // One event: "event" is the frame type, "data" the frame's JSON, "id" the stream id (output only).
            Schema<?> event = new ObjectSchema().addProperty("event", new StringSchema())
                    .addProperty("data", new StringSchema()).addProperty("id", new StringSchema())
                    .required(List.of("event", "data"));
            responses.put("200", new ApiResponse().description("server-sent events until the final status")
                    .content(new Content().addMediaType("text/event-stream", new MediaType().schema(event))));
        } else if (ok != null && (ok.getContent() == null || ok.getContent().isEmpty())) {
            responses.remove("200");
            responses.put("204", new ApiResponse().description("No Content"));
        }
    }

    private static void error(ApiResponses responses, String status, String description) {
        responses.putIfAbsent(status, new ApiResponse().description(description).content(json(ERROR)));
    }

    private static Content json(String schema) {
        return new Content().addMediaType("application/json", new MediaType().schema(ref(schema)));
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    /** Response fields may be null unless listed in {@link #REQUIRED}; {@code results} is any JSON. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void nullability(String name, Schema schema) {
        List<String> required = REQUIRED.get(name);
        if (schema.getProperties() == null || (required == null && !name.startsWith("Page"))) {
            return;
        }
        Map<String, Schema> props = schema.getProperties();
        if (props.containsKey("results")) {
            props.put("results", new Schema<>().description("the flow's results (any JSON), or null"));
        }
        List<String> always = required != null ? required : new ArrayList<>(props.keySet());
        schema.setRequired(new ArrayList<>(always));
        props.forEach((field, p) -> {
            if (!always.contains(field) && p.get$ref() == null) {
                p.setNullable(true);
            }
        });
    }
}
