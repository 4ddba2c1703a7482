package io.waldiez.runner.protocol;

import java.util.List;

/**
 * A {@code kind=packages} entry a run writes to its own {@code task:<id>:status} (docs/protocol.md §4.4):
 * the environment {@code key} it needs ({@link State#NEEDED}, a supervisor builds it and answers with a
 * control entry) or uses ({@link State#CACHED}). Everything in it came from the run: a supervisor
 * recomputes the key ({@link PackagesKey}) before building anything.
 *
 * @param streamId     id of the entry in the task's status stream
 * @param taskId       the task (the stream's own)
 * @param state        needed or cached
 * @param key          the environment's key as the run computed it
 * @param base         the run's base fingerprint (sha256 of its interpreter and pins)
 * @param requirements canonical requirements, sorted
 */
public record PackagesRequest(String streamId, String taskId, State state, String key, String base,
        List<String> requirements) {

    public PackagesRequest {
        requirements = List.copyOf(requirements);
    }

    /** What the run says about the environment. */
    public enum State { NEEDED, CACHED }
}
