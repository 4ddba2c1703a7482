package io.waldiez.runner.server.launch;

import io.waldiez.runner.protocol.TaskRedisUsers;
import java.nio.file.Path;

/**
 * One queued or running local task: its launch, its process once started, and how far its own
 * status stream has been applied. Fields are written by the run's thread and read by the status
 * follower and the cancel timers; {@code LocalTaskLauncher} synchronizes on the run while it applies
 * statuses.
 */
final class LocalRun implements Runnable {

    final TaskLaunch launch;
    /** {@code <tasks>/<id>}: the task's files and runner.log (a link to a standby's directory when it took one). */
    final Path taskDir;
    /** {@code <scratch>/<id>}: its working directory (a link, likewise). */
    final Path runDir;
    private final LocalTaskLauncher owner;
    /** Where the task directory really is: {@link #taskDir}, or the standby's. */
    volatile Path realTaskDir;
    /** Where the run directory really is. */
    volatile Path realRunDir;

    volatile Process process;
    /** The process is the sandbox's (bubblewrap): signals go to the runner inside it. */
    volatile boolean sandboxed;
    volatile TaskRedisUsers.Credentials redisUser;
    volatile boolean cancelRequested;
    volatile boolean timedOut;
    /** Id of the last entry of {@code task:<id>:status} applied (guarded by this run). */
    String statusCursor = "0-0";
    /** The final status was recorded (guarded by this run). */
    boolean finished;

    LocalRun(TaskLaunch launch, Path taskDir, Path runDir, LocalTaskLauncher owner) {
        this.launch = launch;
        this.taskDir = taskDir;
        this.runDir = runDir;
        this.owner = owner;
        this.realTaskDir = taskDir;
        this.realRunDir = runDir;
    }

    String taskId() {
        return launch.taskId();
    }

    @Override
    public void run() {
        owner.execute(this);
    }
}
