package io.waldiez.runner.protocol;

import java.util.List;
import java.util.regex.Pattern;

/** Redis key names of protocol v1. One place, so that no other class spells a key by hand. */
public final class StreamKeys {

    /** Global stream with every output entry of every task. */
    public static final String GLOBAL_OUTPUT = "task-output";
    /** Global stream with every runner status entry; supervisors read it with consumer groups. */
    public static final String GLOBAL_STATUS = "task-status";

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private StreamKeys() {
    }

    /** @return true if {@code taskId} may be used inside a key. */
    public static boolean isValidTaskId(String taskId) {
        return taskId != null && TASK_ID.matcher(taskId).matches();
    }

    public static String output(String taskId) {
        return key(taskId, "output");
    }

    public static String inputResponse(String taskId) {
        return key(taskId, "input_response");
    }

    public static String status(String taskId) {
        return key(taskId, "status");
    }

    public static String results(String taskId) {
        return key(taskId, "results");
    }

    public static String artifacts(String taskId) {
        return key(taskId, "artifacts");
    }

    /** Every per-task key, e.g. for expiry or deletion. */
    public static List<String> allFor(String taskId) {
        return List.of(output(taskId), inputResponse(taskId), status(taskId), results(taskId),
                artifacts(taskId));
    }

    private static String key(String taskId, String suffix) {
        if (!isValidTaskId(taskId)) {
            throw new IllegalArgumentException("invalid task id: " + taskId);
        }
        return "task:" + taskId + ":" + suffix;
    }
}
