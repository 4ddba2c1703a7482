package io.waldiez.runner.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A caller who triggers refusals or errors at will gets a bounded number of log lines. */
class LogThrottleTest {

    private static final class SettableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void atMostNLinesAMinuteThenOneLineCountingTheRest() {
        Logger logger = (Logger) LoggerFactory.getLogger("throttle-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        SettableClock clock = new SettableClock();
        LogThrottle throttle = new LogThrottle(logger, "refusals", 3, clock);
        for (int i = 0; i < 1000; i++) {
            int n = i;
            throttle.log(l -> l.warn("refused {}", n));
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("refused 0", "refused 1", "refused 2");
        clock.now = clock.now.plus(Duration.ofSeconds(61));
        throttle.log(l -> l.warn("refused again"));
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).endsWith(
                "997 more refusals were not logged (more than 3 a minute)", "refused again");
        logger.detachAppender(lines);
    }
}
