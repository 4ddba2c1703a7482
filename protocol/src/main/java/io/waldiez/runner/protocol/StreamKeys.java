package io.waldiez.runner.protocol;

import java.util.List;
import java.util.regex.Pattern;

/** Redis key names of protocol v2. One place, so that no other class spells a key by hand. */
public final class StreamKeys {

    /** Protocol version of these keys and entries (docs/protocol.md). */
    public static final int PROTOCOL_VERSION = 2;
    /**
     * Global hint stream: a runner adds an entry naming its task after each status it writes to its
     * own stream; supervisors read it with consumer groups and re-read that task's own status stream.
     * Runners may only write it (their ACL), so nothing in it is trusted beyond the task id.
     */
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
