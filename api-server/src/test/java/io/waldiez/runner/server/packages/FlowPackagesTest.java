package io.waldiez.runner.server.packages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.protocol.StreamKeys;
import io.waldiez.runner.server.auth.Audiences;
import io.waldiez.runner.server.support.CodeFlows;
import io.waldiez.runner.server.tasks.TaskTestSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;

/**
 * Flows that bring their own packages (docs/packages.md), with the real runner, sandbox, Redis and
 * real installs from the package index: a tool plotting with matplotlib (a compiled wheel with
 * compiled dependencies) completes, its second run starts without installing, a requirement that
 * does not exist fails with pip's reason, two runs needing the same new set build it once.
 */
class FlowPackagesTest extends TaskTestSupport {

    private static final Duration BUILD = Duration.ofSeconds(300);

    @Autowired
    private MeterRegistry meters;
    @Autowired
    private StatefulRedisConnection<String, String> redis;
    @Autowired
    private EnvironmentBuilds builds;

    /** A tool's body: plots with matplotlib into the run's output folder, and says what it did. */
    private static final String PLOT = """
                import os
                import matplotlib
                matplotlib.use("Agg")
                import matplotlib.pyplot as plt
                fig, ax = plt.subplots()
                ax.plot([1, 4, 2, 8])
                os.makedirs("waldiez_out", exist_ok=True)
                fig.savefig("waldiez_out/plot.png")
                return "PLOTTED %d bytes with matplotlib %s" % (os.path.getsize("waldiez_out/plot.png"), matplotlib.__version__)
            """;

    private String startFlow(String token, byte[] flow, Map<String, String> fields) {
        ResponseEntity<JsonNode> r = create(token, "packages-" + UUID.randomUUID() + ".waldiez", flow, fields);
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(200);
        return r.getBody().get("id").asText();
    }

    private JsonNode awaitEnd(String token, String id) {
        return awaitTask(token, id, BUILD, t -> List.of("COMPLETED", "FAILED", "CANCELLED").contains(t.get("status").asText()));
    }

    private List<String> transcript(String taskId) {
        return redis.sync().xrange(StreamKeys.output(taskId), Range.create("-", "+")).stream()
                .map(StreamMessage::getBody).map(b -> b.getOrDefault("data", "")).toList();
    }

    private double count(String name, String... tags) {
        Counter c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aToolPlottingWithALibraryNotInTheImageCompletesAndItsSecondRunInstallsNothing() {
        String token = newClient(Audiences.TASKS_API).accessToken();
        byte[] flow = CodeFlows.running(flowsDir(), PLOT, "matplotlib");
        double hits = count("waldiez.packages.hits");

        String first = startFlow(token, flow, Map.of());
        JsonNode done = awaitEnd(token, first);
        assertThat(done.get("status").asText()).as("%s", done).isEqualTo("COMPLETED");
        List<String> lines = transcript(first);
        assertThat(lines).anyMatch(l -> l.startsWith("Installing the flow's packages (not in the runner's environment): matplotlib"))
                .anyMatch(l -> l.contains("Downloading matplotlib-"))
                .anyMatch(l -> l.startsWith("Successfully installed") && l.contains("matplotlib-") && l.contains("kiwisolver-"))
                .anyMatch(l -> l.contains("PLOTTED") && l.contains("with matplotlib 3."));
        // the base's numpy and pillow were used, not installed again
        assertThat(lines).noneMatch(l -> l.startsWith("Successfully installed") && (l.contains("numpy-") || l.contains("pillow-")));

        String second = startFlow(token, flow, Map.of("force", "true"));
        assertThat(awaitEnd(token, second).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(transcript(second)).noneMatch(l -> l.contains("Installing the flow's packages"))
                .anyMatch(l -> l.contains("PLOTTED"));
        assertThat(count("waldiez.packages.hits")).isEqualTo(hits + 1);
    }

    @Test
    void aRequirementThatDoesNotExistFailsWithPipsReasonInTheStatusAndTheStream() {
        String token = newClient(Audiences.TASKS_API).accessToken();
        String id = startFlow(token, CodeFlows.running(flowsDir(), "    return 'never runs'\n",
                "no-such-package-zz9-qx==1.0"), Map.of());
        JsonNode failed = awaitEnd(token, id);
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        String reason = failed.get("status_reason").asText();
        assertThat(reason).startsWith("Installing the flow's packages failed: ")
                .contains("No matching distribution found for no-such-package-zz9-qx==1.0");
        assertThat(failed.get("results").get("error").asText()).isEqualTo(reason);
        assertThat(transcript(id)).anyMatch(l -> l.startsWith("ERROR: No matching distribution found for no-such-package-zz9-qx"))
                .anyMatch(l -> l.startsWith("Task failed: Installing the flow's packages failed"))
                .noneMatch(l -> l.contains("never runs"));
    }

    @Test
    void twoRunsNeedingTheSameNewSetAtOnceBuildItOnceAndBothShowItsProgress() {
        String token = newClient(Audiences.TASKS_API).accessToken();
        double built = count("waldiez.packages.builds", "outcome", "ready");
        // a set no other test asks for: tabulate and cycler (pure Python, small)
        byte[] flow = CodeFlows.running(flowsDir(), """
                    import tabulate, cycler
                    return "TABLE " + tabulate.tabulate([[1, 2]], tablefmt="plain") + " " + cycler.__name__
                """, "tabulate", "cycler");
        String a = startFlow(token, flow, Map.of());
        String b = startFlow(token, flow, Map.of("force", "true"));
        for (String id : List.of(a, b)) {
            assertThat(awaitEnd(token, id).get("status").asText()).isEqualTo("COMPLETED");
            assertThat(transcript(id)).anyMatch(l -> l.startsWith("Successfully installed") && l.contains("tabulate-"))
                    .anyMatch(l -> l.contains("TABLE 1  2 cycler"));
        }
        assertThat(count("waldiez.packages.builds", "outcome", "ready")).isEqualTo(built + 1);
        assertThat(builds.building()).isEmpty();
    }

    @Test
    void skipDepsRunsTheFlowAsItIsAndPackagesOnlyPrewarmsWithoutRunningIt() {
        String token = newClient(Audiences.TASKS_API).accessToken();
        byte[] flow = CodeFlows.running(flowsDir(), "    import cowsay\n    return 'COWSAY ' + cowsay.__name__\n",
                "cowsay");
        String skipped = startFlow(token, flow, Map.of("skip_deps", "true"));
        JsonNode failed = awaitEnd(token, skipped);
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("status_reason").asText()).contains("No module named 'cowsay'");
        assertThat(transcript(skipped)).noneMatch(l -> l.contains("Installing the flow's packages"));

        String warm = startFlow(token, flow, Map.of("packages_only", "true", "force", "true"));
        JsonNode warmed = awaitEnd(token, warm);
        assertThat(warmed.get("status").asText()).as("%s", warmed).isEqualTo("COMPLETED");
        assertThat(warmed.get("results").toString()).contains("\"state\":\"built\"").contains("cowsay")
                .doesNotContain("COWSAY");
        String run = startFlow(token, flow, Map.of("force", "true"));
        assertThat(awaitEnd(token, run).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(transcript(run)).noneMatch(l -> l.contains("Installing the flow's packages"))
                .anyMatch(l -> l.contains("COWSAY cowsay"));
    }
}
