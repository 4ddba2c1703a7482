package io.waldiez.runner.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** Writes {@code {"detail": ...}} bodies from places outside Spring MVC (security filters). */
@Component
public class ErrorBodies {

    private final ObjectMapper mapper;

    public ErrorBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static Map<String, Object> detail(Object detail) {
        return Map.of("detail", detail);
    }

    public void write(HttpServletResponse response, int status, String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        mapper.writeValue(response.getOutputStream(), detail(detail));
    }
}
