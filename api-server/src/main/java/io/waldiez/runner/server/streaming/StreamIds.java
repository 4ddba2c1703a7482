package io.waldiez.runner.server.streaming;

import java.util.regex.Pattern;

/** Redis stream ids ({@code <ms>-<seq>}, both unsigned 64-bit): validation, ordering, successor. */
final class StreamIds {

    private static final Pattern ID = Pattern.compile("\\d{1,20}(-\\d{1,20})?");

    private StreamIds() {
    }

    /**
     * The canonical {@code ms-seq} form of a client-supplied cursor ({@code 123} means {@code 123-0}),
     * or null when it is not a stream id.
     */
    static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        if (!ID.matcher(s).matches()) {
            return null;
        }
        int dash = s.indexOf('-');
        try {
            long ms = Long.parseUnsignedLong(dash < 0 ? s : s.substring(0, dash));
            long seq = dash < 0 ? 0L : Long.parseUnsignedLong(s.substring(dash + 1));
            return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
        } catch (NumberFormatException e) {
            return null; // beyond 2^64-1
        }
    }

    /** Compares two valid ids in stream order. */
    static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compareUnsigned(Long.parseUnsignedLong(a.substring(0, da)), Long.parseUnsignedLong(b.substring(0, db)));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(a.substring(da + 1)),
                Long.parseUnsignedLong(b.substring(db + 1)));
    }

    static boolean isAfter(String a, String b) {
        return b == null || compare(a, b) > 0;
    }

    /** The smallest id after {@code id}: lets XRANGE start exclusively without Redis 6.2's {@code (} syntax. */
    static String successor(String id) {
        int d = id.indexOf('-');
        long ms = Long.parseUnsignedLong(id.substring(0, d));
        long seq = Long.parseUnsignedLong(id.substring(d + 1));
        if (seq == -1L) {
            return Long.toUnsignedString(ms + 1) + "-0";
        }
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq + 1);
    }
}
