package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.operator.decision.Reasons;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (events.k8s.io/v1) on phase transitions, for {@code kubectl describe wt}.
 * Informative only: nothing automates on them, and a failure to emit one never fails a reconcile.
 */
public class TaskEvents {

    public static final String REPORTING_CONTROLLER = "waldiez.io/operator";
    private static final Logger log = LoggerFactory.getLogger(TaskEvents.class);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;

    public TaskEvents(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
    }

    public void transition(WaldiezTask task, TaskPhase from, TaskPhase to, String reason, String message) {
        String type = to == TaskPhase.Failed || Reasons.JOB_REFUSED.equals(reason) ? "Warning" : "Normal";
        String note = (from == null || from == to ? "" : from + " -> ") + to + (message == null ? "" : ": " + message);
        try {
            client.events().v1().events().inNamespace(task.getMetadata().getNamespace()).resource(new EventBuilder()
                            .withNewMetadata()
                            // "<name>-": a real API server refuses "<name>." (not a valid name prefix)
                            .withGenerateName(task.getMetadata().getName() + "-")
                            .withNamespace(task.getMetadata().getNamespace())
                            .endMetadata()
                            .withEventTime(new MicroTime(MICRO_TIME.format(clock.instant())))
                            .withReportingController(REPORTING_CONTROLLER)
                            .withReportingInstance(instance)
                            .withAction("Transition")
                            .withReason(reason == null ? to.name() : reason)
                            .withType(type)
                            .withNote(note.length() > 1000 ? note.substring(0, 1000) : note)
                            .withRegarding(new ObjectReferenceBuilder()
                                    .withApiVersion(task.getApiVersion())
                                    .withKind(task.getKind())
                                    .withName(task.getMetadata().getName())
                                    .withNamespace(task.getMetadata().getNamespace())
                                    .withUid(task.getMetadata().getUid())
                                    .build())
                            .build())
                    .create();
        } catch (RuntimeException e) {
            log.warn("could not record event {} -> {}: {}", from, to, e.getMessage());
        }
    }
}
