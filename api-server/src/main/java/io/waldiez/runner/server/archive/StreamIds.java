package io.waldiez.runner.server.archive;

/** Redis stream ids ({@code <ms>-<seq>}) as two numbers, for ordering in SQL. */
public final class StreamIds {

    private StreamIds() {
    }

    /**
     * @return {ms, seq}; "ms" alone means seq 0; null, empty, "0" or "0-0" mean the very start
     * @throws IllegalArgumentException when {@code id} is not a stream id
     */
    public static long[] parse(String id) {
        if (id == null || id.isEmpty()) {
            return new long[] {0, 0};
        }
        int dash = id.indexOf('-');
        try {
            if (dash < 0) {
                return new long[] {Long.parseUnsignedLong(id), 0};
            }
            return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream id: " + id, e);
        }
    }
}
