package io.waldiez.runner.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state, written only by the operator. Small on purpose: no flow, no output, no secrets. */
@JsonClassDescription("Observed state, written only by the operator: phase, reason, conditions, Job name and times.")
public class WaldiezTaskStatus {

    @JsonPropertyDescription("Task id used in the Redis keys: label waldiez.io/task-id, or metadata.uid for kubectl-made tasks.")
    private String taskId;

    @JsonPropertyDescription("Pending, Queued, Running, WaitingForInput, Succeeded, Failed or Cancelled.")
    private TaskPhase phase;

    @JsonPropertyDescription("Machine-readable reason of the phase, e.g. FlowFailed, OOMKilled, PendingDeadlineExceeded.")
    private String reason;

    @JsonPropertyDescription("Human-readable detail of the reason.")
    private String message;

    @JsonPropertyDescription("Conditions Running and Succeeded in the Kubernetes condition shape.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("metadata.generation this status was computed from.")
    private Long observedGeneration;

    @JsonPropertyDescription("Name of the Job running the flow.")
    private String jobName;

    @JsonPropertyDescription("When the runner started running (RFC 3339).")
    private String startTime;

    @JsonPropertyDescription("When the task reached a terminal phase (RFC 3339).")
    private String completionTime;

    @JsonPropertyDescription("request_id of the input request the runner waits for, while WaitingForInput.")
    private String pendingInputRequestId;

    public WaldiezTaskStatus() {
    }

    /** A deep-enough copy for computing a new status without touching the cached one. */
    public WaldiezTaskStatus copy() {
        WaldiezTaskStatus c = new WaldiezTaskStatus();
        c.taskId = taskId;
        c.phase = phase;
        c.reason = reason;
        c.message = message;
        c.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
        c.observedGeneration = observedGeneration;
        c.jobName = jobName;
        c.startTime = startTime;
        c.completionTime = completionTime;
        c.pendingInputRequestId = pendingInputRequestId;
        return c;
    }

    public String getTaskId() {
        return taskId;
    }

    public void setTaskId(String taskId) {
        this.taskId = taskId;
    }

    public TaskPhase getPhase() {
        return phase;
    }

    public void setPhase(TaskPhase phase) {
        this.phase = phase;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public String getPendingInputRequestId() {
        return pendingInputRequestId;
    }

    public void setPendingInputRequestId(String pendingInputRequestId) {
        this.pendingInputRequestId = pendingInputRequestId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WaldiezTaskStatus s && Objects.equals(taskId, s.taskId) && phase == s.phase
                && Objects.equals(reason, s.reason) && Objects.equals(message, s.message)
                && Objects.equals(conditions, s.conditions) && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(jobName, s.jobName) && Objects.equals(startTime, s.startTime)
                && Objects.equals(completionTime, s.completionTime)
                && Objects.equals(pendingInputRequestId, s.pendingInputRequestId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, phase, reason, jobName, startTime, completionTime, pendingInputRequestId);
    }
}
