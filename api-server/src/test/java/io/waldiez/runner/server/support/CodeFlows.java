package io.waldiez.runner.server.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real flows that run code of the test's choosing, without a model: the shared {@code valid.waldiez}
 * with its first message of type {@code method}, a Python function that waldiez calls when the chat
 * starts. What the function returns becomes that message, so it lands in the task's transcript.
 */
public final class CodeFlows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CodeFlows() {
    }

    /**
     * @param body the body of {@code def callable_message(sender, recipient, context):}, indented by four
     *     spaces, ending with a {@code return} of a string
     */
    public static byte[] running(Path sharedFlows, String body) {
        try {
            ObjectNode flow = (ObjectNode) JSON.readTree(Files.readAllBytes(sharedFlows.resolve("valid.waldiez")));
            ObjectNode chat = (ObjectNode) flow.path("data").path("chats").get(0).path("data");
            ObjectNode message = chat.putObject("message");
            message.put("type", "method");
            message.put("content", "def callable_message(sender, recipient, context):\n" + body);
            message.putObject("context");
            message.put("useCarryover", false);
            chat.put("maxTurns", 1);
            return JSON.writeValueAsBytes(flow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
