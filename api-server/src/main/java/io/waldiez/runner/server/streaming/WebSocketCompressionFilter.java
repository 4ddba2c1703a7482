package io.waldiez.runner.server.streaming;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns WebSocket compression (permessage-deflate) off for {@code /ws/*} by hiding the client's
 * {@code Sec-WebSocket-Extensions} offer from the container: Tomcat accepts that offer on its own,
 * whatever Spring's handshake negotiates, and a deflated socket costs a zlib deflater and inflater
 * (about 300 KB of native memory, partly touched even while idle), an 8 KB buffer per sent message
 * and a compression pass per frame and subscriber, for frames of a few hundred bytes. Clients
 * (browsers, the original's Python client) fall back to uncompressed frames, as the extension allows.
 * Kept on with {@code waldiez.streaming.compression=true}.
 */
final class WebSocketCompressionFilter extends OncePerRequestFilter {

    static final String EXTENSIONS = "Sec-WebSocket-Extensions";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(EXTENSIONS) == null) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                        .filter(n -> !EXTENSIONS.equalsIgnoreCase(n)).toList());
            }
        }, response);
    }
}
