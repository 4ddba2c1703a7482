package io.waldiez.runner.server.status;

import com.sun.management.OperatingSystemMXBean;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.waldiez.runner.server.common.TaskCounts;
import io.waldiez.runner.server.launch.RunContainment;
import java.lang.management.ManagementFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness texts, robots.txt and the authenticated {@code /status}. */
@RestController
@Tag(name = "Status")
public class StatusController {

    private static final TaskCounts NO_TASKS = new TaskCounts() {
        @Override
        public long active() {
            return 0;
        }

        @Override
        public long pending() {
            return 0;
        }
    };

    private final ObjectProvider<TaskCounts> taskCounts;
    private final ObjectProvider<RunContainment> containment;
    private final int maxJobs;

    public StatusController(ObjectProvider<TaskCounts> taskCounts, ObjectProvider<RunContainment> containment,
            @Value("${waldiez.tasks.max-jobs:5}") int maxJobs) {
        this.taskCounts = taskCounts;
        this.containment = containment;
        this.maxJobs = maxJobs;
    }

    @Operation(summary = "Liveness (plain text OK)")
    @GetMapping(path = {"/health", "/healthz"}, produces = MediaType.TEXT_PLAIN_VALUE)
    public String health() {
        return "OK";
    }

    @GetMapping(path = "/robots.txt", produces = MediaType.TEXT_PLAIN_VALUE)
    public String robots() {
        return "User-agent: *\nDisallow: /";
    }

    @Operation(summary = "Server load and task counters (any audience)")
    @GetMapping("/status")
    public ServerStatus status() {
        TaskCounts counts = taskCounts.getIfAvailable(() -> NO_TASKS);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long total = os.getTotalMemorySize();
        long used = Math.max(0, total - os.getFreeMemorySize());
        double cpuLoad = os.getCpuLoad();
        return new ServerStatus(
                true,
                counts.active(),
                counts.pending(),
                maxJobs,
                Runtime.getRuntime().availableProcessors(),
                // Whole numbers: the Python client declares these as int (spec §4.1).
                cpuLoad < 0 ? 0.0 : Math.round(cpuLoad * 100.0),
                total,
                used,
                total == 0 ? 0.0 : Math.round(used * 100.0 / total),
                containment.stream().map(RunContainment::report).findFirst().orElse(null));
    }
}
