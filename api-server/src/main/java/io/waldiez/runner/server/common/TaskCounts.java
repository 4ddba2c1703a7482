package io.waldiez.runner.server.common;

/**
 * Global task counters shown by {@code GET /status}. The tasks feature provides the real bean;
 * until then {@code GET /status} shows zeros. Implement it as a {@code @Component}.
 */
public interface TaskCounts {

    /** Non-deleted tasks in PENDING, RUNNING or WAITING_FOR_INPUT. */
    long active();

    /** Non-deleted PENDING tasks. */
    long pending();
}
