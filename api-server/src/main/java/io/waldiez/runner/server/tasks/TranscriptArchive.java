package io.waldiez.runner.server.tasks;

import io.waldiez.runner.protocol.OutputEntry;
import java.util.List;

/**
 * A finished task's transcript as copied from {@code task:<id>:output} into PostgreSQL, in stream
 * order, with the original stream ids, so that resuming from an id works the same after Redis
 * trimmed or expired the stream.
 */
public interface TranscriptArchive {

    /**
     * Up to {@code limit} entries strictly after {@code afterId} (null or "0-0": from the start),
     * in stream order. Empty when the task is not archived.
     */
    List<OutputEntry> entriesAfter(String taskId, String afterId, int limit);
}
