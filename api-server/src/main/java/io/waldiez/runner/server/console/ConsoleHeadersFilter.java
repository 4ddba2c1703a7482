package io.waldiez.runner.server.console;

import io.waldiez.runner.server.web.HttpProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's Content-Security-Policy: only its own scripts and styles (Vite emits no inline
 * script or style), API calls and the WebSocket to the same origin ({@code 'self'} covers ws/wss of
 * the same host), images from itself, data: and blob: (artifact previews), no framing, no base or
 * form targets elsewhere. Like the general policy it is left out in {@code waldiez.http.dev} mode.
 */
public class ConsoleHeadersFilter extends OncePerRequestFilter {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private final HttpProperties http;

    public ConsoleHeadersFilter(HttpProperties http) {
        this.http = http;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!http.dev()) {
            response.setHeader("Content-Security-Policy", CSP);
        }
        chain.doFilter(request, response);
    }
}
