package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.crd.WaldiezTaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** WaldiezTasks made the kubectl way (no API server), with flows from examples/flows. */
final class Tasks {

    static final Duration WAIT = Duration.ofMinutes(4);

    private Tasks() {
    }

    static String flow(String file) {
        try {
            return Files.readString(Cluster.REPO.resolve("examples/flows").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ConfigMap with the flow, and a task that runs it. */
    static WaldiezTask create(String ns, String name, String flowFile, Consumer<WaldiezTaskSpec> customize) {
        Cluster.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name + "-flow").endMetadata()
                .withData(Map.of("flow.waldiez", flow(flowFile))).build()).createOr(c -> c.update());
        WaldiezTask task = new WaldiezTask();
        task.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofConfigMap(name + "-flow", "flow.waldiez"));
        customize.accept(spec);
        task.setSpec(spec);
        return Cluster.client().resource(task).create();
    }

    static WaldiezTask get(String ns, String name) {
        return Cluster.client().resources(WaldiezTask.class).inNamespace(ns).withName(name).get();
    }

    static WaldiezTaskStatus awaitPhase(String ns, String name, TaskPhase phase, String reason) {
        AtomicReference<WaldiezTaskStatus> seen = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            WaldiezTask t = get(ns, name);
            assertThat(t).as("task %s/%s", ns, name).isNotNull();
            WaldiezTaskStatus s = t.getStatus();
            assertThat(s).as("status of %s", name).isNotNull();
            assertThat(s.getPhase()).as("phase of %s (%s: %s)", name, s.getReason(), s.getMessage()).isEqualTo(phase);
            if (reason != null) {
                assertThat(s.getReason()).as("reason of %s (%s)", name, s.getMessage()).isEqualTo(reason);
            }
            seen.set(s);
        });
        return seen.get();
    }
}
