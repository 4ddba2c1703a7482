package io.waldiez.runner.protocol;

/** Status values a runner writes in a {@code kind=status} entry (docs/protocol.md §4.1). */
public enum RunnerStatus {
    RUNNING,
    WAITING_FOR_INPUT,
    COMPLETED,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** @return the status named {@code value}, or null if it is not one of ours. */
    public static RunnerStatus parse(String value) {
        if (value == null) {
            return null;
        }
        for (RunnerStatus s : values()) {
            if (s.name().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
