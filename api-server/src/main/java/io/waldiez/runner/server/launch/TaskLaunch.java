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
 */
public record TaskLaunch(String taskId, String clientId, String filename, byte[] flow, int inputTimeoutSeconds,
        Map<String, String> envVars) {

    public TaskLaunch {
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
    }

    @Override
    public String toString() {
        return "TaskLaunch[" + taskId + ", " + filename + ", " + flow.length + " bytes, input timeout "
                + inputTimeoutSeconds + "s, env keys " + envVars.keySet() + "]";
    }
}
