package io.waldiez.runner.protocol;

import java.time.Instant;

/** Protocol timestamps: integer microseconds since the epoch, as decimal strings. */
public final class Timestamps {
    private Timestamps() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
    }

    public static String nowString() {
        return Long.toString(nowMicros());
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
