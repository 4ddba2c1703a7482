package io.waldiez.runner.server.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.tasks.TaskInputs;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /ws/{task_id}}: streams the task (see {@link TaskStreamHub}) and takes input answers
 * ({@code {"request_id","data"}}, optionally with {@code "type":"input_response"} as the JS UI sends).
 * Bad frames get an error frame and the socket stays open; nothing a client sends causes a server error.
 */
@Component
class TaskWebSocketHandler extends TextWebSocketHandler implements SubProtocolCapable {

    private static final Logger log = LoggerFactory.getLogger(TaskWebSocketHandler.class);
    private static final String SUBSCRIBER = "waldiez.subscriber";
    private static final String PARTIAL = "waldiez.partial-message";
    private static final int RETRIES = 50;
    private static final long RETRY_MILLIS = 100;

    private final TaskStreamHub hub;
    private final TaskInputs inputs;
    private final StreamFrames frames;
    private final ObjectMapper json;
    private final long maxMessageChars;

    TaskWebSocketHandler(TaskStreamHub hub, TaskInputs inputs, StreamFrames frames, ObjectMapper json,
            StreamingProperties props) {
        this.hub = hub;
        this.inputs = inputs;
        this.frames = frames;
        this.json = json;
        this.maxMessageChars = props.maxFrameSize().toBytes();
    }

    /** Echoed whenever the client offers it: browsers fail the handshake otherwise (spec §8.1). */
    @Override
    public List<String> getSubProtocols() {
        return List.of(TaskHandshakeInterceptor.SUBPROTOCOL);
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws Exception {
        String taskId = (String) session.getAttributes().get(TaskHandshakeInterceptor.TASK_ID);
        AuthenticatedClient caller = (AuthenticatedClient) session.getAttributes().get(TaskHandshakeInterceptor.CALLER);
        String after = (String) session.getAttributes().get(TaskHandshakeInterceptor.AFTER);
        WsSubscriber sub = new WsSubscriber(hub, session, taskId, caller, after);
        session.getAttributes().put(SUBSCRIBER, sub);
        String refused = hub.join(sub);
        if (refused != null) {
            // Lost a race for the last slot after the handshake check.
            try (var ignored = MDC.putCloseable("task_id", taskId)) {
                log.info("WebSocket closed at open: {}", refused);
            }
            session.close(CloseStatus.POLICY_VIOLATION.withReason(refused));
        }
    }

    /**
     * Partial messages let the container keep small per-connection receive buffers (it allocates
     * them for every open socket, idle or not); a message is assembled here, up to max-frame-size.
     */
    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
        Subscriber sub = (Subscriber) session.getAttributes().get(SUBSCRIBER);
        if (sub == null) {
            return;
        }
        String payload = assemble(session, message);
        if (payload == null) {
            return;
        }
        try (var ignored = MDC.putCloseable("task_id", sub.taskId)) {
            Frame reply = handleInput(sub, payload);
            if (reply != null) {
                sub.reply(reply);
            }
        }
    }

    /** @return the whole message once its last part arrived, else null (also after closing as too big) */
    private String assemble(WebSocketSession session, TextMessage part) throws Exception {
        StringBuilder pending = (StringBuilder) session.getAttributes().get(PARTIAL);
        if (pending == null && part.isLast()) {
            return part.getPayload();
        }
        if (pending == null) {
            pending = new StringBuilder();
            session.getAttributes().put(PARTIAL, pending);
        }
        pending.append(part.getPayload());
        if (pending.length() > maxMessageChars) {
            session.getAttributes().remove(PARTIAL);
            session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("message larger than " + maxMessageChars + " characters"));
            return null;
        }
        if (!part.isLast()) {
            return null;
        }
        session.getAttributes().remove(PARTIAL);
        return pending.toString();
    }

    /** @return the error frame to send back, or null when the answer was delivered */
    private Frame handleInput(Subscriber sub, String payload) {
        JsonNode node;
        try {
            node = json.readTree(payload);
        } catch (JsonProcessingException e) {
            return frames.error("Invalid JSON", "Frames must be JSON objects: {\"request_id\": \"...\", \"data\": \"...\"}");
        }
        if (node == null || !node.isObject() || !node.path("request_id").isTextual() || !node.path("data").isTextual()) {
            // The original's reply, kept as the "error" value.
            return frames.error("Invalid input payload", "Expected a JSON object with string request_id and data");
        }
        String requestId = node.get("request_id").asText();
        String data = node.get("data").asText();
        var problem = inputs.check(requestId, data);
        if (problem.isPresent()) {
            return frames.error("Invalid input payload", problem.get().msg());
        }
        return submit(sub, requestId, data, 0);
    }

    private Frame submit(Subscriber sub, String requestId, String data, int attempt) {
        TaskInputs.Result result;
        try {
            result = inputs.submit(sub.taskId, sub.caller.id(), requestId, data, "ws");
        } catch (IllegalArgumentException e) {
            return frames.error("Invalid input payload", e.getMessage() == null ? "rejected" : e.getMessage());
        } catch (RuntimeException e) {
            log.warn("WebSocket input not delivered: {}", e.toString());
            return frames.error("Input not delivered", "The answer could not be delivered; try again");
        }
        // Retries go on after the socket closed: the Python client opens a socket, sends, and closes.
        if (result == TaskInputs.Result.NOT_PENDING && attempt < RETRIES
                && (sub.awaitsAnswer(requestId) || attempt > 0 || hub.isOpenInputRequest(sub.taskId, requestId))) {
            // The client saw the input_request before the WAITING_FOR_INPUT transition was committed.
            hub.later(() -> {
                try (var ignored = MDC.putCloseable("task_id", sub.taskId)) {
                    Frame reply = submit(sub, requestId, data, attempt + 1);
                    if (reply != null) {
                        sub.reply(reply);
                    }
                }
            }, RETRY_MILLIS);
            return null;
        }
        return switch (result) {
            case ACCEPTED -> null;
            case NOT_PENDING -> frames.error("Input not expected",
                    "The task is not waiting for an answer to this request_id");
            case NOT_FOUND -> frames.error("Task not found", "The task does not exist any more");
        };
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("WebSocket transport error: {}", exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Subscriber sub = (Subscriber) session.getAttributes().get(SUBSCRIBER);
        if (sub != null) {
            sub.transportClosed();
        }
    }
}
