package io.waldiez.runner.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** The original's security headers (spec §1.5), on every response except task downloads. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class SecurityHeadersFilter extends OncePerRequestFilter {

    static final Pattern DOWNLOAD_PATH = Pattern.compile("^/api/v1/tasks/[^/]+/download/?$");
    static final String CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            + "img-src 'self' data:; worker-src 'self' blob:; connect-src *; font-src 'self'; "
            + "manifest-src 'self'; media-src 'self' data:";

    private final HttpProperties props;

    public SecurityHeadersFilter(HttpProperties props) {
        this.props = props;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!DOWNLOAD_PATH.matcher(request.getRequestURI()).matches()) {
            response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
            response.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("X-XSS-Protection", "1; mode=block");
            if (!props.dev()) {
                response.setHeader("Content-Security-Policy", CSP);
            }
            if (props.forceSsl()) {
                response.setHeader("Strict-Transport-Security", "max-age=31556926; includeSubDomains");
            }
        }
        chain.doFilter(request, response);
    }
}
