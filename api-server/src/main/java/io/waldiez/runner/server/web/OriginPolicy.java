package io.waldiez.runner.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Which browser origins may call the API (REST CORS and the WebSocket handshake judge alike).
 *
 * <p>A request from the page's own origin is never refused. "Own origin" is judged from what the
 * browser itself addressed: the {@code Host} header (or a proxy's {@code X-Forwarded-Host}), not from
 * the server's idea of its scheme and port, which a reverse proxy hides: nginx with {@code Host $host}
 * and {@code X-Forwarded-Proto} but no {@code X-Forwarded-Port} on port 8080 makes the server believe
 * it is on port 80. So: the Origin's host must equal that host; its port is compared only when the
 * request states one ({@code Host: h:8080}, {@code X-Forwarded-Port}); the scheme is not compared (a
 * proxy terminating TLS may not say so, and one port serves one scheme). Other origins must be in
 * {@code waldiez.cors.allowed-origins} / {@code allowed-origin-patterns}. Every refusal is logged,
 * throttled so that a caller cannot flood the log.
 */
@Component
public class OriginPolicy {

    private static final Logger log = LoggerFactory.getLogger(OriginPolicy.class);

    private final CorsConfiguration allowed;
    private final LogThrottle refusals = new LogThrottle(log, "origin refusals", 30);

    public OriginPolicy(CorsProperties props) {
        this.allowed = new CorsConfiguration();
        allowed.setAllowedOrigins(props.allowedOrigins());
        allowed.setAllowedOriginPatterns(props.allowedOriginPatterns());
    }

    /** True without an Origin (scripts), for the request's own origin, and for configured origins. */
    public boolean allows(HttpServletRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        return origin == null || isSameOrigin(request) || allowed.checkOrigin(origin) != null;
    }

    /** The Origin names the host (and, when stated, the port) the browser sent this request to. */
    public static boolean isSameOrigin(HttpServletRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return false;
        }
        UriComponents o;
        try {
            o = UriComponentsBuilder.fromOriginHeader(origin).build();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (o.getHost() == null || o.getScheme() == null) {
            return false;
        }
        String authority = firstValue(request.getHeader("X-Forwarded-Host"));
        if (authority == null) {
            authority = request.getHeader(HttpHeaders.HOST);
        }
        if (authority == null || authority.isBlank()) {
            return false;
        }
        String host = authority;
        int port = -1;
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) { // not inside an IPv6 literal
            host = authority.substring(0, colon);
            port = parsePort(authority.substring(colon + 1));
        }
        if (!stripBrackets(host).equalsIgnoreCase(stripBrackets(o.getHost()))) {
            return false;
        }
        if (port < 0) {
            port = parsePort(firstValue(request.getHeader("X-Forwarded-Port")));
        }
        if (port < 0) {
            return true; // nobody told the port (proxy with Host $host): the host decides
        }
        int originPort = o.getPort() >= 0 ? o.getPort()
                : "https".equals(o.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
        return originPort == port;
    }

    /** Logs one refused request (throttled); never the token, only what was refused and why. */
    public void logRefusal(String what, HttpServletRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        String host = request.getHeader(HttpHeaders.HOST);
        String method = request.getMethod();
        String path = request.getRequestURI();
        refusals.log(l -> l.warn("{} refused (403): Origin {} is neither this server's origin (Host {}) nor in "
                + "waldiez.cors.allowed-origins / allowed-origin-patterns: {} {}",
                what, printable(origin), printable(host), method, printable(path)));
    }

    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        String first = header.split(",", 2)[0].strip();
        return first.isEmpty() ? null : first;
    }

    private static int parsePort(String s) {
        if (s == null) {
            return -1;
        }
        try {
            int p = Integer.parseInt(s.strip());
            return p > 0 && p < 65536 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Header values in a log line: control characters replaced, length capped. */
    private static String printable(String s) {
        if (s == null) {
            return "-";
        }
        String cut = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
