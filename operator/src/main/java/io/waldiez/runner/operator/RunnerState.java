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
 * @param unacked    ids in the global status stream handed to the reconciler and not yet acknowledged
 */
public record RunnerState(String taskId, StatusEntry latest, StatusEntry finalEntry, List<String> unacked) {

    public RunnerState {
        unacked = List.copyOf(unacked);
    }

    static RunnerState empty(String taskId) {
        return new RunnerState(taskId, null, null, List.of());
    }

    /** Merges an entry; entries may arrive out of order (per-task stream read first, group replay later). */
    RunnerState with(StatusEntry entry, String globalStreamId) {
        StatusEntry newest = latest == null || entry.timestampMicros() >= latest.timestampMicros() ? entry : latest;
        StatusEntry fin = finalEntry != null ? finalEntry : (entry.status().isFinal() ? entry : null);
        List<String> ids = new ArrayList<>(unacked);
        if (globalStreamId != null && !ids.contains(globalStreamId)) {
            ids.add(globalStreamId);
        }
        return new RunnerState(taskId, newest, fin, ids);
    }

    RunnerState withoutAcked(List<String> acked) {
        List<String> ids = new ArrayList<>(unacked);
        ids.removeAll(acked);
        return new RunnerState(taskId, latest, finalEntry, ids);
    }
}
