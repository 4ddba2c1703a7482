package io.waldiez.runner.protocol;

/** An entry of {@code task:<id>:input_response}: the answer to one input request (docs/protocol.md §3). */
public record InputAnswer(String requestId, String data, String source) {
}
