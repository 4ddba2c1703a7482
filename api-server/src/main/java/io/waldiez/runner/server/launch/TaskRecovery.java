package io.waldiez.runner.server.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.server.tasks.TaskRepository;
import io.waldiez.runner.server.tasks.TaskStatus;
import io.waldiez.runner.server.tasks.TaskTransitions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Local runs die with the server that started them. At start, every task of the local launcher
 * still active in the database, and not queued or running here, becomes FAILED with a reason that
 * says so (its Redis keys, if any, are archived first). So no task stays RUNNING forever.
 */
@Component
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = "local", matchIfMissing = true)
public class TaskRecovery {

    public static final String RESTART_REASON = "server restarted while the task was running; its run was lost";
    private static final Logger log = LoggerFactory.getLogger(TaskRecovery.class);

    private final TaskRepository repository;
    private final TaskTransitions transitions;
    private final TaskLauncher launcher;
    private final ObjectMapper json;

    public TaskRecovery(TaskRepository repository, TaskTransitions transitions, TaskLauncher launcher, ObjectMapper json) {
        this.repository = repository;
        this.transitions = transitions;
        this.launcher = launcher;
        this.json = json;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onStart() {
        int n = recoverOrphans();
        if (n > 0) {
            log.warn("{} task(s) left active by a previous server process were marked FAILED", n);
        }
    }

    /** @return how many orphaned tasks were failed */
    public int recoverOrphans() {
        List<String> ids = repository.activeIds(launcher.mode());
        int n = 0;
        for (String id : ids) {
            if (launcher.isSupervising(id)) {
                continue;
            }
            try (MDC.MDCCloseable ignored = MDC.putCloseable("task_id", id)) {
                transitions.finish(id, TaskStatus.FAILED, json.createObjectNode().put("error", RESTART_REASON),
                        RESTART_REASON);
                n++;
            } catch (RuntimeException e) {
                log.error("could not fail orphaned task", e);
            }
        }
        return n;
    }
}
