package io.waldiez.runner.operator;

import io.waldiez.runner.protocol.StatusEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What the runner of one task last said, as a JOSDK secondary resource.
 *
 * @param taskId     the task id
 * @param latest     the newest status entry, or null
 * @param finalEntry the final status (COMPLETED, FAILED, CANCELLED), or null; sticky once seen
 * @param unacked    ids of hints in the global stream handed to the reconciler and not yet acknowledged
 * @param cursor     id of the last entry read from the task's own status stream ({@code 0-0}: none)
 */
public record RunnerState(String taskId, StatusEntry latest, StatusEntry finalEntry, List<String> unacked,
                          String cursor) {

    public RunnerState {
        unacked = List.copyOf(unacked);
    }

    static RunnerState empty(String taskId) {
        return new RunnerState(taskId, null, null, List.of(), "0-0");
    }

    /** Merges an entry of the task's own status stream (read in order, from {@link #cursor}). */
    RunnerState with(StatusEntry entry) {
        StatusEntry fin = finalEntry != null ? finalEntry : (entry.status().isFinal() ? entry : null);
        return new RunnerState(taskId, entry, fin, unacked, entry.streamId());
    }

    /** Past an entry of the task's stream that is not a status (a control entry, or malformed). */
    RunnerState skipped(String streamId) {
        return new RunnerState(taskId, latest, finalEntry, unacked, streamId);
    }

    /** Remembers a hint to acknowledge once the reconciler recorded what the task's stream said. */
    RunnerState withHint(String hintId) {
        if (unacked.contains(hintId)) {
            return this;
        }
        List<String> ids = new ArrayList<>(unacked);
        ids.add(hintId);
        return new RunnerState(taskId, latest, finalEntry, ids, cursor);
    }

    RunnerState withoutAcked(List<String> acked) {
        List<String> ids = new ArrayList<>(unacked);
        ids.removeAll(acked);
        return new RunnerState(taskId, latest, finalEntry, ids, cursor);
    }
}
