package io.waldiez.runner.protocol;

/** Exit codes of the task runner process (docs/protocol.md §6). */
public final class ExitCodes {
    public static final int COMPLETED = 0;
    public static final int USAGE = 2;
    public static final int FLOW_FAILED = 10;
    public static final int INVALID_FLOW = 11;
    public static final int CANCELLED = 12;
    public static final int INFRASTRUCTURE = 13;
    /** The flow's packages could not be installed (a final FAILED status was written). */
    public static final int PACKAGES_FAILED = 14;

    private ExitCodes() {
    }

    /** A short reason for an exit code, for status messages. */
    public static String describe(int code) {
        return switch (code) {
            case COMPLETED -> "completed";
            case USAGE -> "runner command line rejected";
            case FLOW_FAILED -> "flow failed";
            case INVALID_FLOW -> "invalid flow";
            case CANCELLED -> "cancelled";
            case INFRASTRUCTURE -> "runner could not reach Redis";
            case PACKAGES_FAILED -> "the flow's packages could not be installed";
            case 137 -> "killed (SIGKILL, e.g. out of memory)";
            case 143 -> "terminated (SIGTERM)";
            default -> code > 128 ? "killed by signal " + (code - 128) : "runner exited with code " + code;
        };
    }
}
