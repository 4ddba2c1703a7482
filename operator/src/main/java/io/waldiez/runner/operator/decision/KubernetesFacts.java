package io.waldiez.runner.operator.decision;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reduces fabric8 Job and Pod objects to {@link JobFacts} and {@link PodFacts}. */
public final class KubernetesFacts {

    private KubernetesFacts() {
    }

    public static JobFacts ofJob(Optional<Job> maybeJob) {
        if (maybeJob.isEmpty()) {
            return JobFacts.NONE;
        }
        Job job = maybeJob.get();
        var status = job.getStatus();
        List<JobCondition> conditions = status == null || status.getConditions() == null ? List.of() : status.getConditions();
        Optional<JobCondition> failed = conditions.stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
        boolean complete = conditions.stream().anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()))
                || (status != null && status.getSucceeded() != null && status.getSucceeded() > 0 && failed.isEmpty());
        boolean suspended = (job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend()))
                || conditions.stream().anyMatch(c -> "Suspended".equals(c.getType()) && "True".equals(c.getStatus()));
        return new JobFacts(true, suspended, instant(job.getMetadata().getCreationTimestamp()),
                status == null ? null : instant(status.getStartTime()), complete, failed.isPresent(),
                failed.map(JobCondition::getReason).orElse(null), failed.map(JobCondition::getMessage).orElse(null));
    }

    /** Facts of the newest pod (a Job with retries has several). */
    public static PodFacts ofPods(Collection<Pod> pods) {
        Optional<Pod> newest = pods.stream()
                .max(Comparator.comparing(p -> Optional.ofNullable(instant(p.getMetadata().getCreationTimestamp()))
                        .orElse(Instant.EPOCH)));
        return newest.map(KubernetesFacts::ofPod).orElse(PodFacts.NONE);
    }

    public static PodFacts ofPod(Pod pod) {
        var status = pod.getStatus();
        if (status == null) {
            return new PodFacts(true, false, null, null, null, null, false);
        }
        String phase = status.getPhase();
        boolean started = "Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase);
        boolean evicted = "Evicted".equals(status.getReason());
        String waitingReason = null;
        String waitingMessage = null;
        Integer exitCode = null;
        String terminatedReason = null;
        List<ContainerStatus> containers = status.getContainerStatuses() == null ? List.of() : status.getContainerStatuses();
        for (ContainerStatus cs : containers) {
            if (cs.getState() == null) {
                continue;
            }
            ContainerStateWaiting w = cs.getState().getWaiting();
            ContainerStateTerminated t = cs.getState().getTerminated();
            if (w != null && waitingReason == null) {
                waitingReason = w.getReason();
                waitingMessage = w.getMessage();
            }
            if (t != null && exitCode == null) {
                exitCode = t.getExitCode();
                terminatedReason = t.getReason();
            }
        }
        if (waitingReason == null && status.getConditions() != null) {
            for (PodCondition c : status.getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                    waitingReason = c.getReason() == null ? "Unschedulable" : c.getReason();
                    waitingMessage = c.getMessage();
                }
            }
        }
        if (evicted) {
            waitingMessage = status.getMessage();
            started = true;
        }
        if (exitCode != null) {
            started = true;
        }
        return new PodFacts(true, started, waitingReason, waitingMessage, exitCode, terminatedReason, evicted);
    }

    static Instant instant(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(rfc3339);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
