package io.waldiez.runner.protocol;

import java.util.regex.Pattern;

/**
 * Redis stream entry ids ({@code <ms>-<seq>}, both unsigned 64-bit): the cursors clients resume
 * from and the order of an archived transcript. One implementation for every reader of the protocol.
 */
public final class StreamIds {

    private static final Pattern ID = Pattern.compile("\\d{1,20}(-\\d{1,20})?");

    private StreamIds() {
    }

    /**
     * The canonical {@code ms-seq} form of a cursor ({@code 123} means {@code 123-0}; surrounding
     * blanks are ignored), or null when it is not a stream id.
     */
    public static String normalize(String raw) {
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

    /**
     * @return {ms, seq} of {@code id}; null or empty mean the very start, {0, 0}
     * @throws IllegalArgumentException when {@code id} is not a stream id
     */
    public static long[] parts(String id) {
        if (id == null || id.isEmpty()) {
            return new long[] {0, 0};
        }
        String canonical = normalize(id);
        if (canonical == null) {
            throw new IllegalArgumentException("not a stream id: " + id);
        }
        return split(canonical);
    }

    /**
     * Compares two canonical ids (as Redis returns them, or from {@link #normalize}) in stream order.
     * Runs for every frame and subscriber, so it parses in place instead of splitting.
     */
    public static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compareUnsigned(Long.parseUnsignedLong(a, 0, da, 10), Long.parseUnsignedLong(b, 0, db, 10));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(a, da + 1, a.length(), 10),
                Long.parseUnsignedLong(b, db + 1, b.length(), 10));
    }

    /** True when {@code a} comes after {@code b}; everything comes after a null cursor. */
    public static boolean isAfter(String a, String b) {
        return b == null || compare(a, b) > 0;
    }

    /** The smallest id after {@code id}: lets XRANGE start exclusively without Redis 6.2's {@code (} syntax. */
    public static String successor(String id) {
        long[] p = split(id);
        if (p[1] == -1L) {
            return Long.toUnsignedString(p[0] + 1) + "-0";
        }
        return Long.toUnsignedString(p[0]) + "-" + Long.toUnsignedString(p[1] + 1);
    }

    /** {ms, seq} of a canonical id, without validation. */
    private static long[] split(String canonical) {
        int d = canonical.indexOf('-');
        return new long[] {Long.parseUnsignedLong(canonical, 0, d, 10),
            Long.parseUnsignedLong(canonical, d + 1, canonical.length(), 10)};
    }
}
