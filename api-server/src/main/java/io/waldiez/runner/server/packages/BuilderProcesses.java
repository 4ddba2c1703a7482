package io.waldiez.runner.server.packages;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Makes the process that builds one environment: the runner's Python running
 * {@code waldiez_task_runner.packages build --dir <entry> ARGS}, contained like a run (locally: the same
 * sandbox, with only {@code entry} writable, at the path where runs will see it), with {@code env} and nothing else of the server's environment but its
 * allow-list. The launcher provides it ({@code launch.LocalBuilderProcesses}).
 */
public interface BuilderProcesses {

    ProcessBuilder builder(List<String> args, Path entry, Map<String, String> env);

    /** Why builds cannot run here (no containment and none allowed), or null when they can. */
    String refusal();
}
