package io.waldiez.runner.server.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;

/**
 * Spring's CORS processing, except that a request from the page's own origin (as {@link OriginPolicy}
 * judges it, proxies included) is not a CORS request at all; a refusal is a JSON 403 and a log line.
 */
public class OriginAwareCorsProcessor extends DefaultCorsProcessor {

    static final String REFUSED = "Invalid CORS request";

    private final OriginPolicy policy;

    public OriginAwareCorsProcessor(OriginPolicy policy) {
        this.policy = policy;
    }

    @Override
    public boolean processRequest(CorsConfiguration config, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (request.getHeader(HttpHeaders.ORIGIN) != null && OriginPolicy.isSameOrigin(request)) {
            return true;
        }
        boolean ok = super.processRequest(config, request, response);
        if (!ok) {
            policy.logRefusal("CORS request", request);
        }
        return ok;
    }

    @Override
    protected void rejectRequest(ServerHttpResponse response) throws IOException {
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getBody().write(("{\"detail\":\"" + REFUSED + "\"}").getBytes(StandardCharsets.UTF_8));
        response.flush();
    }
}
