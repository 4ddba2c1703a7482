package io.waldiez.runner.server.launch;

/**
 * Starts and stops runs. One implementation is active, chosen by {@code waldiez.launcher.mode}:
 * {@code local} (child processes, {@link LocalTaskLauncher}) or {@code kubernetes} (a WaldiezTask
 * resource per run; its bean must be {@code @ConditionalOnProperty(name = "waldiez.launcher.mode",
 * havingValue = "kubernetes")}).
 *
 * <p>Launchers report what happens to a run through {@code tasks.TaskTransitions}
 * ({@code running}, {@code waitingForInput}, {@code finish}); they never write the tasks table directly.
 */
public interface TaskLauncher {

    /** Stored in {@code tasks.launcher}; restart recovery only touches tasks of its own mode. */
    String mode();

    /** Queues the run and returns at once; the task stays PENDING until the runner says RUNNING. */
    void launch(TaskLaunch launch);

    /**
     * Stops the run if there is one (a queued run is dropped). The launcher then reports the end
     * through {@code TaskTransitions.finish} once the run is really over.
     */
    void cancel(String taskId, String reason);

    /** True while this launcher queues or runs the task (so it is not an orphan of a previous server). */
    boolean isSupervising(String taskId);
}
