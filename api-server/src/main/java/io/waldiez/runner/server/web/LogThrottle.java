package io.waldiez.runner.server.web;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Caps how many lines an anonymous caller can make us write: at most {@code perMinute} lines of one
 * kind per minute; the rest are counted and reported in one line when the next minute starts. Used
 * for refusals (CORS, WebSocket handshakes) and unexpected errors, which anyone can trigger at will.
 */
public final class LogThrottle {

    private static final long WINDOW_MILLIS = 60_000;

    private final Logger log;
    private final String what;
    private final int perMinute;
    private final Clock clock;
    private long windowStart;
    private int used;
    private final AtomicLong suppressed = new AtomicLong();

    public LogThrottle(Logger log, String what, int perMinute) {
        this(log, what, perMinute, Clock.systemUTC());
    }

    LogThrottle(Logger log, String what, int perMinute, Clock clock) {
        this.log = log;
        this.what = what;
        this.perMinute = perMinute;
        this.clock = clock;
        this.windowStart = clock.millis();
    }

    /** Runs {@code line} with the logger if this minute's budget allows, else counts it. */
    public void log(Consumer<Logger> line) {
        long dropped;
        synchronized (this) {
            long now = clock.millis();
            if (now - windowStart >= WINDOW_MILLIS) {
                windowStart = now;
                used = 0;
            }
            if (used >= perMinute) {
                suppressed.incrementAndGet();
                return;
            }
            used++;
            dropped = suppressed.getAndSet(0);
        }
        if (dropped > 0) {
            log.warn("{} more {} were not logged (more than {} a minute)", dropped, what, perMinute);
        }
        line.accept(log);
    }
}
