package io.waldiez.runner.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.waldiez.runner.server.archive.TaskArchiver;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The only writer of run transitions (whatever launcher reports them): each one is a conditional
 * update in PostgreSQL, then a {@link TaskStatusChanged} event. A final status is written together
 * with the archive of the run, and never replaced afterwards.
 */
@Service
public class TaskTransitions {

    private static final Logger log = LoggerFactory.getLogger(TaskTransitions.class);

    private final TaskRepository repository;
    private final TaskArchiver archiver;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final TaskMetrics metrics;
    private final ConcurrentHashMap<String, ReentrantLock> finishing = new ConcurrentHashMap<>();

    public TaskTransitions(TaskRepository repository, TaskArchiver archiver, ApplicationEventPublisher events,
            TransactionTemplate tx, TaskMetrics metrics) {
        this.repository = repository;
        this.archiver = archiver;
        this.events = events;
        this.tx = tx;
        this.metrics = metrics;
    }

    /** The run process was started. */
    public void triggered(String taskId) {
        repository.markTriggered(taskId, TaskRepository.now());
    }

    /** The runner reported RUNNING (start, or after an input). */
    public void running(String taskId) {
        if (repository.markRunning(taskId, TaskRepository.now())) {
            publish(taskId);
        }
    }

    /** The runner waits for the answer to {@code requestId}. */
    public void waitingForInput(String taskId, String requestId) {
        if (repository.markWaiting(taskId, requestId, TaskRepository.now())) {
            publish(taskId);
        }
    }

    /**
     * The run is over: archive its Redis keys, write the final status (unless the task is already
     * final, e.g. CANCELLED by its owner: that one stays), then publish. Safe to call twice.
     */
    public void finish(String taskId, TaskStatus status, JsonNode results, String reason) {
        if (status.isActive()) {
            throw new IllegalArgumentException("not a final status: " + status);
        }
        ReentrantLock lock = finishing.computeIfAbsent(taskId, k -> new ReentrantLock());
        lock.lock();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", taskId)) {
            Optional<TaskRecord> before = repository.findAny(taskId);
            if (before.isEmpty()) {
                log.warn("final status {} for an unknown task; ignored", status);
                return;
            }
            if (before.get().status().isFinal() && before.get().archivedAt() != null) {
                return;
            }
            Instant now = TaskRepository.now();
            Boolean changed = tx.execute(s -> {
                TaskArchiver.Archived archived = archiver.archive(taskId);
                JsonNode finalResults = results;
                if (status == TaskStatus.COMPLETED && (finalResults == null || finalResults.isNull())) {
                    finalResults = archived.results();
                }
                boolean wrote = repository.markFinal(taskId, status, finalResults, reason, now, true);
                if (!wrote) {
                    repository.markArchived(taskId, now);
                }
                return wrote;
            });
            TaskRecord after = repository.findAny(taskId).orElse(before.get());
            if (Boolean.TRUE.equals(changed)) {
                log.info("task {}{}", status, reason == null ? "" : ": " + reason);
            } else {
                log.info("run ended ({}); task stays {}", status, after.status());
            }
            metrics.finished(after.status(), after.startedAt() != null ? after.startedAt() : after.createdAt(), now);
            publish(after);
        } finally {
            lock.unlock();
            finishing.remove(taskId, lock);
        }
    }

    private void publish(String taskId) {
        repository.findAny(taskId).ifPresent(this::publish);
    }

    private void publish(TaskRecord task) {
        try {
            events.publishEvent(new TaskStatusChanged(task.snapshot()));
        } catch (RuntimeException e) {
            // A listener's failure must not undo or hide a committed transition.
            log.warn("a TaskStatusChanged listener failed", e);
        }
    }
}
