package io.waldiez.runner.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Redis ACL user a run gets (protocol v2, docs/protocol.md §7): a flow is untrusted code, so its
 * runner may touch its own keys ({@code task:<id>:*}) with the commands the runner needs, and add
 * hints to the global {@code task-status} stream without reading it; every other key, command and
 * channel is refused. Requires Redis 7 (key permissions, selectors).
 *
 * <p>The rules are in {@code task-acl.rules} beside this class, which the runner's tests read too.
 */
public final class TaskAcl {

    private static final List<String> TEMPLATE = load();

    private TaskAcl() {
    }

    /** The ACL user name of a task's run. */
    public static String userName(String taskId) {
        if (!StreamKeys.isValidTaskId(taskId)) {
            throw new IllegalArgumentException("invalid task id: " + taskId);
        }
        return "task-" + taskId;
    }

    /**
     * The arguments of {@code ACL SETUSER <user>} after the user name. They start with {@code reset},
     * so setting a user again is idempotent.
     *
     * @param password the run's password (random, at least 32 characters)
     */
    public static List<String> setUserRules(String taskId, String password) {
        userName(taskId); // validates the id
        if (password == null || password.length() < 32 || password.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a task's Redis password must have at least 32 non-blank characters");
        }
        return TEMPLATE.stream().map(r -> r.replace("{task_id}", taskId).replace("{password}", password)).toList();
    }

    private static List<String> load() {
        try (InputStream in = TaskAcl.class.getResourceAsStream("task-acl.rules")) {
            if (in == null) {
                throw new IllegalStateException("task-acl.rules is missing from the protocol module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
