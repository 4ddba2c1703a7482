package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import io.waldiez.runner.operator.decision.Decision;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** How a decision becomes a status: times, conditions, and terminal phases kept. */
class StatusRecorderTest {

    static StatusRecorder at(String instant) {
        return new StatusRecorder(null, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    @Test
    void startAndCompletionTimesAndConditions() {
        WaldiezTaskStatus pending = at("2026-11-25T10:00:00Z").next(new WaldiezTaskStatus(),
                Decision.of(TaskPhase.Pending, "JobCreated", "m"), "t1", "wt-a", false, 1L);
        assertThat(pending.getStartTime()).isNull();
        assertThat(pending.getObservedGeneration()).isEqualTo(1L);
        assertThat(pending.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Succeeded");
            assertThat(c.getStatus()).isEqualTo("Unknown");
        });

        WaldiezTaskStatus running = at("2026-11-25T10:00:05Z").next(pending,
                Decision.of(TaskPhase.Running, "Started", "m"), "t1", null, false, 1L);
        assertThat(running.getStartTime()).isEqualTo("2026-11-25T10:00:05Z");
        assertThat(running.getJobName()).isEqualTo("wt-a");

        WaldiezTaskStatus stillRunning = at("2026-11-25T10:00:09Z").next(running,
                Decision.of(TaskPhase.Running, "Started", "m"), "t1", null, false, 2L);
        // lastTransitionTime moves only when a condition's status changes
        assertThat(stillRunning.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Running");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-25T10:00:05Z");
        });
        assertThat(stillRunning.getObservedGeneration()).isEqualTo(2L);

        WaldiezTaskStatus done = at("2026-11-25T10:01:00Z").next(stillRunning,
                Decision.of(TaskPhase.Failed, "OOMKilled", "oom"), "t1", null, false, 2L);
        assertThat(done.getCompletionTime()).isEqualTo("2026-11-25T10:01:00Z");
        assertThat(done.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Succeeded");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("OOMKilled");
        });

        WaldiezTaskStatus later = at("2026-11-25T10:05:00Z").next(done,
                Decision.of(TaskPhase.Succeeded, "Completed", "late"), "t1", null, false, 3L);
        assertThat(later.getPhase()).isEqualTo(TaskPhase.Failed);
        assertThat(later.getReason()).isEqualTo("OOMKilled");
        assertThat(later.getCompletionTime()).isEqualTo("2026-11-25T10:01:00Z");
    }

    @Test
    void cancelConditionRecordsWhenTheMessageWasSent() {
        WaldiezTaskStatus s = at("2026-11-25T10:00:00.250Z").next(new WaldiezTaskStatus(),
                Decision.of(TaskPhase.Running, "Cancelling", "m"), "t1", "wt-a", true, 1L);
        assertThat(StatusRecorder.cancelSentAt(s)).isEqualTo(Instant.parse("2026-11-25T10:00:00.250Z"));
        WaldiezTaskStatus again = at("2026-11-25T10:00:03Z").next(s,
                Decision.of(TaskPhase.Running, "Cancelling", "m"), "t1", null, false, 1L);
        assertThat(StatusRecorder.cancelSentAt(again)).isEqualTo(Instant.parse("2026-11-25T10:00:00.250Z"));
    }
}
