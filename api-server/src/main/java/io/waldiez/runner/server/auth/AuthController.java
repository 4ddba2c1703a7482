package io.waldiez.runner.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Token endpoints (a request without a body or content type lands on the JSON variant → 422). Form (urlencoded or multipart) is the original's format for /auth/token; JSON is
 * accepted too. Refresh accepts JSON (the original) and form (what the official clients send).
 */
@RestController
@RequestMapping("/auth")
@Tag(name = "Auth")
public class AuthController {

    private final TokenService tokens;

    public AuthController(TokenService tokens) {
        this.tokens = tokens;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(requiredProperties = {"client_id", "client_secret"})
    public record TokenRequest(@JsonProperty("client_id") String clientId,
            @JsonProperty("client_secret") String clientSecret) {}

    /** The refresh body as documented ({@link RefreshRequest} takes any JSON audience and checks it). */
    @Schema(name = "RefreshRequest", requiredProperties = "refresh_token")
    record RefreshForm(@JsonProperty("refresh_token") String refreshToken,
            @Schema(description = "a string, a list of strings (any of) or null", nullable = true)
            @JsonProperty("audience") String audience) {}

    /** {@code audience}: a string, a list of strings (any of) or null. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RefreshRequest(String refreshToken, JsonNode audience) {}

    @Operation(summary = "Get an access and a refresh token for client credentials",
            description = "A form (the original's format; multipart/form-data and a JSON object with the same "
                    + "fields are accepted too). The response is never cached.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content =
                @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
                        schema = @Schema(implementation = TokenRequest.class))))
    @PostMapping(path = "/token", consumes = {MediaType.APPLICATION_FORM_URLENCODED_VALUE, MediaType.MULTIPART_FORM_DATA_VALUE})
    public ResponseEntity<TokensResponse> token(
            @Parameter(hidden = true) @RequestParam(name = "client_id", required = false) String clientId,
            @Parameter(hidden = true) @RequestParam(name = "client_secret", required = false) String clientSecret) {
        requireFields("client_id", clientId, "client_secret", clientSecret);
        return noStore(tokens.issue(clientId, clientSecret));
    }

    @Operation(hidden = true) // documented with the form variant above
    @PostMapping(path = "/token", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<TokensResponse> tokenJson(@RequestBody(required = false) TokenRequest body) {
        body = body == null ? new TokenRequest(null, null) : body;
        requireFields("client_id", body.clientId(), "client_secret", body.clientSecret());
        return noStore(tokens.issue(body.clientId(), body.clientSecret()));
    }

    @Operation(summary = "Exchange a refresh token for a new token pair",
            description = "A JSON object (the original's format; a form with the same fields is accepted too, "
                    + "which is what the official clients send). The response is never cached.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content =
                @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                        schema = @Schema(implementation = RefreshForm.class))))
    @PostMapping(path = "/token/refresh", consumes = {MediaType.APPLICATION_FORM_URLENCODED_VALUE, MediaType.MULTIPART_FORM_DATA_VALUE})
    public ResponseEntity<TokensResponse> refresh(
            @Parameter(hidden = true) @RequestParam(name = "refresh_token", required = false) String refreshToken,
            @Parameter(hidden = true) @RequestParam(name = "audience", required = false) List<String> audience) {
        requireFields("refresh_token", refreshToken);
        return noStore(tokens.refresh(refreshToken, audience == null ? List.of() : audience));
    }

    @Operation(hidden = true) // documented with the form variant above
    @PostMapping(path = "/token/refresh", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<TokensResponse> refreshJson(@RequestBody(required = false) RefreshRequest body) {
        body = body == null ? new RefreshRequest(null, null) : body;
        requireFields("refresh_token", body.refreshToken());
        return noStore(tokens.refresh(body.refreshToken(), audiences(body.audience())));
    }

    /** RFC 6749 §5.1: responses carrying tokens must not be cached. */
    private static ResponseEntity<TokensResponse> noStore(TokensResponse tokens) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header(HttpHeaders.PRAGMA, "no-cache")
                .body(tokens);
    }

    private static List<String> audiences(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText());
            return out;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw invalidAudience(node);
                }
                out.add(item.asText());
            }
            return out;
        }
        throw invalidAudience(node);
    }

    private static RequestValidationException invalidAudience(JsonNode node) {
        return new RequestValidationException(ValidationError.body("audience", "string_type",
                "Input should be a string, a list of strings or null", node.toString()));
    }

    /** 422 listing every empty field; arguments are name, value pairs. */
    private static void requireFields(String... namesAndValues) {
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value == null || value.isEmpty()) {
                errors.add(ValidationError.missing("body", namesAndValues[i]));
            }
        }
        if (!errors.isEmpty()) {
            throw new RequestValidationException(errors);
        }
    }
}
