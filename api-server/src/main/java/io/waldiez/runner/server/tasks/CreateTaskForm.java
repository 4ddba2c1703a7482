package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;

/**
 * The create form as OpenAPI shows it ({@code multipart/form-data}); {@link CreateFormReader} reads
 * the real request field by field. Every field is optional at the schema level; the rules between
 * them (one source, no scheduling) are checked by {@link TaskService}.
 */
@Schema(name = "CreateTaskForm", description = "Form of POST /api/v1/tasks: one of file, filename or file_url.")
public record CreateTaskForm(
        @Schema(type = "string", format = "binary", description = "the .waldiez flow (at most 5 MiB)")
        @JsonProperty("file") byte[] file,
        @Schema(description = "bare name of a file uploaded before with /upload (used once)")
        @JsonProperty("filename") String filename,
        @Schema(description = "remote flow: not supported by this server (400)")
        @JsonProperty("file_url") String fileUrl,
        @Schema(description = "JSON object of extra environment variables for the run (at most 30, 5000 bytes)")
        @JsonProperty("env_vars") String envVars,
        @Schema(description = "seconds per input request; form field, else the query parameter, else 180",
                minimum = "1", maximum = "86400")
        @JsonProperty("input_timeout") Integer inputTimeout,
        @Schema(description = "true: install none of the flow's packages; false: install them even when the flow "
                + "says to skip them; unset: the flow decides (docs/packages.md)")
        @JsonProperty("skip_deps") Boolean skipDeps,
        @Schema(description = "prepare the flow's packages and end COMPLETED without running the flow (pre-warms "
                + "the cache of environments; not in the original)")
        @JsonProperty("packages_only") Boolean packagesOnly,
        @Schema(description = "accepted and ignored")
        @JsonProperty("message") String message,
        @Schema(description = "scheduling is not supported: any value is a 400", allowableValues = {"once", "cron"})
        @JsonProperty("schedule_type") String scheduleType,
        @Schema(description = "only with schedule_type once (so: 422 here)")
        @JsonProperty("scheduled_time") OffsetDateTime scheduledTime,
        @Schema(description = "only with schedule_type cron (so: 422 here)")
        @JsonProperty("cron_expression") String cronExpression,
        @Schema(description = "stored and returned; no effect (as the original)")
        @JsonProperty("expires_at") OffsetDateTime expiresAt,
        @Schema(description = "accepted and ignored (only meaningful with scheduling)")
        @JsonProperty("trigger_now") Boolean triggerNow,
        @Schema(description = "allow a second active run of the same file (form field only)")
        @JsonProperty("force") Boolean force) {
}
