package io.waldiez.runner.server.tasks;

import io.waldiez.runner.server.auth.AuthenticatedClient;
import java.util.Optional;

/** Read access to tasks with the ownership rules applied, for the streaming side. */
public interface TaskAccess {

    /**
     * The task if {@code caller} may watch it (its owner; soft-deleted tasks are invisible),
     * else empty: callers answer "not found" without telling which.
     */
    Optional<TaskSnapshot> findForOwner(String taskId, AuthenticatedClient caller);
}
