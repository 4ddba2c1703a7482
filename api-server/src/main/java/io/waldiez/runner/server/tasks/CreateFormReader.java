package io.waldiez.runner.server.tasks;

import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.WebUtils;

/**
 * Reads the create form ({@link CreateTaskForm}) the way the original's FastAPI form does: typed
 * fields give a 422 list on a bad value, every field is read from the form only (the container also
 * mixes query parameters in), except {@code input_timeout}, which falls back to the query (superset:
 * both official clients send it there).
 */
final class CreateFormReader {

    private static final Set<String> TRUE = Set.of("true", "1", "yes", "on", "t", "y");
    private static final Set<String> FALSE = Set.of("false", "0", "no", "off", "f", "n");

    private final HttpServletRequest request;
    private final List<ValidationError> errors = new ArrayList<>();

    private CreateFormReader(HttpServletRequest request) {
        this.request = request;
    }

    /** @throws RequestValidationException listing every field with a bad value */
    static TaskService.CreateRequest read(HttpServletRequest request, int maxInputTimeout) {
        CreateFormReader r = new CreateFormReader(request);
        MultipartFile file = r.file();
        Integer timeout = r.inputTimeout(maxInputTimeout);
        Boolean skipDeps = r.bool("skip_deps");
        boolean packagesOnly = Boolean.TRUE.equals(r.bool("packages_only"));
        boolean force = Boolean.TRUE.equals(r.bool("force"));
        r.bool("trigger_now");
        Instant expiresAt = r.dateTime("expires_at");
        String scheduleType = r.text("schedule_type");
        Instant scheduledTime = r.dateTime("scheduled_time");
        String cron = r.text("cron_expression");
        // The original's schedule rules (spec §6.7); with a schedule_type the service answers 400 first.
        if (scheduledTime != null && !"once".equals(scheduleType)) {
            r.errors.add(new ValidationError("value_error", List.of("body", "scheduled_time"),
                    "scheduled_time is not allowed unless schedule_type is 'once'", null));
        }
        if (cron != null && !cron.isBlank() && !"cron".equals(scheduleType)) {
            r.errors.add(new ValidationError("value_error", List.of("body", "cron_expression"),
                    "cron_expression is not allowed unless schedule_type is 'cron'", null));
        }
        if (!r.errors.isEmpty()) {
            throw new RequestValidationException(r.errors);
        }
        return new TaskService.CreateRequest(file, r.text("file_url"), r.text("filename"), r.text("env_vars"), timeout,
                force, skipDeps, packagesOnly, r.text("message"), scheduleType, expiresAt);
    }

    private MultipartFile file() {
        MultipartHttpServletRequest multipart = WebUtils.getNativeRequest(request, MultipartHttpServletRequest.class);
        MultipartFile file = multipart == null ? null : multipart.getFile("file");
        if (file == null && text("file") != null) {
            errors.add(ValidationError.body("file", "value_error", "Value error, Expected a file part, received text",
                    null));
        }
        return file;
    }

    /** The last form value of {@code name}, or null. */
    private String text(String name) {
        List<String> values = formValues(request, name);
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private Integer inputTimeout(int max) {
        String raw = text("input_timeout");
        if (raw == null) {
            List<String> query = queryValues(request, "input_timeout");
            raw = query.isEmpty() ? null : query.get(query.size() - 1);
        }
        if (raw == null) {
            return null;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            errors.add(ValidationError.body("input_timeout", "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer", raw));
            return null;
        }
        if (value < 1 || value > max) {
            errors.add(ValidationError.body("input_timeout", "value_error", "Input should be between 1 and " + max,
                    raw));
            return null;
        }
        return value;
    }

    private Boolean bool(String name) {
        String raw = text(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
            return Boolean.TRUE;
        }
        if (FALSE.contains(v)) {
            return Boolean.FALSE;
        }
        errors.add(ValidationError.body(name, "bool_parsing",
                "Input should be a valid boolean, unable to interpret input", raw));
        return null;
    }

    /** ISO-8601 date-time; without an offset it is taken as UTC (as pydantic's naive datetimes). */
    private Instant dateTime(String name) {
        String raw = text(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(raw.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                errors.add(ValidationError.body(name, "datetime_parsing",
                        "Input should be a valid datetime (ISO 8601)", raw));
                return null;
            }
        }
    }

    /** Values of {@code name} from the body only: the container lists the query's values first. */
    static List<String> formValues(HttpServletRequest request, String name) {
        String[] all = request.getParameterValues(name);
        if (all == null) {
            return List.of();
        }
        int fromQuery = Math.min(queryValues(request, name).size(), all.length);
        return Arrays.asList(all).subList(fromQuery, all.length);
    }

    /** Values of {@code name} in the query string (lenient about bad percent-encoding). */
    static List<String> queryValues(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        List<String> out = new ArrayList<>();
        if (query == null) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (name.equals(key)) {
                out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
