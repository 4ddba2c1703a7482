package io.waldiez.runner.server.launch;

import java.util.Map;

/**
 * Everything a launcher needs to start one run. {@code envVars} are the task's validated extra
 * environment: they live only in memory, on the way to the run, and are never logged.
 *
 * @param taskId task id
 * @param clientId internal id of the owner
 * @param filename the flow's original file name
 * @param flow the flow file's bytes
 * @param inputTimeoutSeconds seconds per input request
 * @param envVars extra environment of the run
 * @param skipDeps the create form's {@code skip_deps}: true installs none of the flow's packages, false
 *     installs them even if the flow says to skip them, null lets the flow decide (docs/packages.md)
 * @param packagesOnly prepare the flow's packages and end there (a pre-warm of the cache), without running it
 */
public record TaskLaunch(String taskId, String clientId, String filename, byte[] flow, int inputTimeoutSeconds,
        Map<String, String> envVars, Boolean skipDeps, boolean packagesOnly) {

    public TaskLaunch {
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
    }

    public TaskLaunch(String taskId, String clientId, String filename, byte[] flow, int inputTimeoutSeconds,
            Map<String, String> envVars) {
        this(taskId, clientId, filename, flow, inputTimeoutSeconds, envVars, null, false);
    }

    @Override
    public String toString() {
        return "TaskLaunch[" + taskId + ", " + filename + ", " + flow.length + " bytes, input timeout "
                + inputTimeoutSeconds + "s, env keys " + envVars.keySet() + ", skip_deps " + skipDeps
                + (packagesOnly ? ", packages only" : "") + "]";
    }
}
