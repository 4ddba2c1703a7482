package io.waldiez.runner.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The WebSocket handshake's origin check, by the same {@link OriginPolicy} as REST CORS (Spring's
 * own check judges a proxied page foreign and logs nothing): a foreign browser origin gets a 403
 * before the upgrade, and a log line.
 */
@Component
public class WebSocketOriginCheck implements HandshakeInterceptor {

    private final OriginPolicy policy;

    public WebSocketOriginCheck(OriginPolicy policy) {
        this.policy = policy;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        if (request instanceof ServletServerHttpRequest servlet) {
            HttpServletRequest r = servlet.getServletRequest();
            if (!policy.allows(r)) {
                policy.logRefusal("WebSocket handshake", r);
                response.setStatusCode(HttpStatus.FORBIDDEN);
                return false;
            }
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
        // nothing to do
    }
}
