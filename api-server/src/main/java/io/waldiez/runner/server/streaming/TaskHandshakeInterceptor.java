package io.waldiez.runner.server.streaming;

import io.waldiez.runner.protocol.StreamIds;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.auth.TokenVerifier;
import io.waldiez.runner.server.tasks.TaskAccess;
import io.waldiez.runner.server.tasks.TaskSnapshot;
import io.waldiez.runner.server.web.LogThrottle;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Authenticates {@code /ws/{task_id}} before the upgrade (spec §8.1): the first token that validates
 * among query {@code access_token}, cookie {@code access_token}, {@code Authorization: Bearer} and
 * {@code Sec-WebSocket-Protocol: tasks-api, <jwt>}; audience tasks-api; the caller must own the task.
 * Every refusal is a 403 with an empty body, which is what the original's clients see and treat as
 * final (a bad {@code after} cursor is a 400).
 */
@Component
class TaskHandshakeInterceptor implements HandshakeInterceptor {

    static final String TASK_ID = "waldiez.taskId";
    static final String CALLER = "waldiez.caller";
    static final String AFTER = "waldiez.after";
    static final String SUBPROTOCOL = "tasks-api";

    private static final Logger log = LoggerFactory.getLogger(TaskHandshakeInterceptor.class);
    private static final LogThrottle REFUSALS = new LogThrottle(log, "WebSocket refusals", 30);

    private final TokenVerifier verifier;
    private final TaskAccess access;
    private final TaskStreamHub hub;

    TaskHandshakeInterceptor(TokenVerifier verifier, TaskAccess access, TaskStreamHub hub) {
        this.verifier = verifier;
        this.access = access;
        this.hub = hub;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        String path = request.getURI().getRawPath();
        String taskId = path.substring(path.lastIndexOf('/') + 1);
        if (!StreamKeys.isValidTaskId(taskId)) {
            return refuse(response, HttpStatus.FORBIDDEN, null, "invalid task id");
        }
        Optional<AuthenticatedClient> caller = authenticate(request);
        if (caller.isEmpty()) {
            return refuse(response, HttpStatus.FORBIDDEN, taskId, "no valid tasks-api token");
        }
        Optional<TaskSnapshot> task = access.findForOwner(taskId, caller.get());
        if (task.isEmpty()) {
            return refuse(response, HttpStatus.FORBIDDEN, taskId, "task not found for this client");
        }
        String rawAfter = queryParam(request, "after");
        String after = null;
        if (rawAfter != null && !rawAfter.isBlank()) {
            after = StreamIds.normalize(rawAfter);
            if (after == null) {
                return refuse(response, HttpStatus.BAD_REQUEST, taskId, "after is not a stream id");
            }
        }
        if (task.get().status().isFinal() && after == null) {
            // The original's Python listener reconnects after every close and stops only on a refused
            // handshake: replaying a finished task to a cursor-less client would loop forever. Finished
            // tasks replay when asked explicitly (?after=<id>, after=0 for everything), as the original
            // refused inactive tasks.
            return refuse(response, HttpStatus.FORBIDDEN, taskId, "task finished; replay needs ?after=<id> (0 for all)");
        }
        String problem = hub.admissionProblem(taskId, caller.get().id());
        if (problem != null) {
            return refuse(response, HttpStatus.FORBIDDEN, taskId, problem);
        }
        attributes.put(TASK_ID, taskId);
        attributes.put(CALLER, caller.get());
        if (after != null) {
            attributes.put(AFTER, after);
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
        // nothing to undo: connection slots are taken when the socket opens
    }

    /** The token sources in the original's order; a present but invalid token falls through to the next. */
    private Optional<AuthenticatedClient> authenticate(ServerHttpRequest request) {
        for (String token : candidates(request)) {
            Optional<AuthenticatedClient> caller = verifier.verify(token, Set.of(Audiences.TASKS_API));
            if (caller.isPresent()) {
                return caller;
            }
        }
        return Optional.empty();
    }

    private static List<String> candidates(ServerHttpRequest request) {
        List<String> out = new ArrayList<>(4);
        HttpServletRequest servlet = request instanceof ServletServerHttpRequest s ? s.getServletRequest() : null;
        add(out, queryParam(request, "access_token"));
        if (servlet != null && servlet.getCookies() != null) {
            for (Cookie c : servlet.getCookies()) {
                if ("access_token".equals(c.getName())) {
                    add(out, c.getValue());
                    break;
                }
            }
        }
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            String[] parts = authorization.strip().split(" ");
            if (parts.length == 2 && "bearer".equalsIgnoreCase(parts[0])) {
                add(out, parts[1]);
            }
        }
        List<String> protocols = request.getHeaders().get("Sec-WebSocket-Protocol");
        if (protocols != null && !protocols.isEmpty()) {
            String[] items = String.join(",", protocols).split(",", -1);
            if (items.length == 2 && SUBPROTOCOL.equalsIgnoreCase(items[0])) {
                add(out, items[1].strip());
            }
        }
        return out;
    }

    private static String queryParam(ServerHttpRequest request, String name) {
        if (request instanceof ServletServerHttpRequest s) {
            return s.getServletRequest().getParameter(name);
        }
        return UriComponentsBuilder.fromUri(request.getURI()).build(true).getQueryParams().getFirst(name);
    }

    private static void add(List<String> out, String token) {
        if (token != null && !token.isBlank()) {
            out.add(token);
        }
    }

    private static boolean refuse(ServerHttpResponse response, HttpStatus status, String taskId, String why) {
        // Never log the token itself.
        // Anyone can make refusals at will: throttled so that they cannot flood the log.
        if (taskId != null) {
            try (var ignored = MDC.putCloseable("task_id", taskId)) {
                REFUSALS.log(l -> l.info("WebSocket refused ({}): {}", status.value(), why));
            }
        } else {
            REFUSALS.log(l -> l.info("WebSocket refused ({}): {}", status.value(), why));
        }
        response.setStatusCode(status);
        return false;
    }
}
