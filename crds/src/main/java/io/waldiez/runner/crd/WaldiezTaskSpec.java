package io.waldiez.runner.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/** What to run and within which limits. Secrets are passed by reference only (env/envFrom). */
@JsonClassDescription("What to run (the flow, the runner image, its environment) and within which limits.")
// On the parent, not on the field: a transition rule on a field is skipped when an update removes
// the field (a JSON patch "remove"), so the cancel could be undone that way.
@ValidationRule(value = "!has(oldSelf.cancelRequested) || !oldSelf.cancelRequested"
        + " || (has(self.cancelRequested) && self.cancelRequested)",
        message = "cancelRequested cannot be set back to false")
public class WaldiezTaskSpec {

    public static final int DEFAULT_INPUT_TIMEOUT_SECONDS = 180;
    public static final int DEFAULT_PENDING_DEADLINE_SECONDS = 300;
    public static final int DEFAULT_BACKOFF_LIMIT = 0;

    @Required
    @JsonPropertyDescription("The flow to run: exactly one of configMapKeyRef or inline.")
    private FlowSource flow;

    @JsonPropertyDescription("Runner image; the operator's default when empty.")
    private String image;

    @Min(1)
    @Max(86400)
    @Default("180")
    @JsonPropertyDescription("Seconds the runner waits for a human answer before using the default input.")
    private Integer inputTimeoutSeconds;

    @Min(1)
    @JsonPropertyDescription("Upper bound of the run once started (Job activeDeadlineSeconds); DeadlineExceeded after it.")
    private Long activeDeadlineSeconds;

    @Min(1)
    @Max(86400)
    @Default("300")
    @JsonPropertyDescription("Seconds the pod may stay not running (image pull, scheduling) before the task fails with PendingDeadlineExceeded.")
    private Integer pendingDeadlineSeconds;

    @Min(0)
    @JsonPropertyDescription("Seconds after completion before the task (and its Job and ConfigMap) is deleted; tasks made by the API server are kept until archived.")
    private Integer ttlSecondsAfterFinished;

    @Min(0)
    @Max(10)
    @Default("0")
    @JsonPropertyDescription("Pod retries of the Job. Agent runs are not idempotent, so the default is 0.")
    private Integer backoffLimit;

    @JsonPropertyDescription("Environment of the runner container; use valueFrom.secretKeyRef for API keys.")
    private List<EnvVar> env = new ArrayList<>();

    @JsonPropertyDescription("Environment sources (ConfigMaps, Secrets) of the runner container.")
    private List<EnvFromSource> envFrom = new ArrayList<>();

    @JsonPropertyDescription("Resource requests and limits of the runner container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Set to true to cancel the run; the operator tells the runner and removes the Job after a grace period.")
    private Boolean cancelRequested;

    @JsonPropertyDescription("Kueue LocalQueue; copied to the Job's kueue.x-k8s.io/queue-name label.")
    private String queueName;

    public FlowSource getFlow() {
        return flow;
    }

    public void setFlow(FlowSource flow) {
        this.flow = flow;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getInputTimeoutSeconds() {
        return inputTimeoutSeconds;
    }

    public void setInputTimeoutSeconds(Integer inputTimeoutSeconds) {
        this.inputTimeoutSeconds = inputTimeoutSeconds;
    }

    public Long getActiveDeadlineSeconds() {
        return activeDeadlineSeconds;
    }

    public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
        this.activeDeadlineSeconds = activeDeadlineSeconds;
    }

    public Integer getPendingDeadlineSeconds() {
        return pendingDeadlineSeconds;
    }

    public void setPendingDeadlineSeconds(Integer pendingDeadlineSeconds) {
        this.pendingDeadlineSeconds = pendingDeadlineSeconds;
    }

    public Integer getTtlSecondsAfterFinished() {
        return ttlSecondsAfterFinished;
    }

    public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
        this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
    }

    public Integer getBackoffLimit() {
        return backoffLimit;
    }

    public void setBackoffLimit(Integer backoffLimit) {
        this.backoffLimit = backoffLimit;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public List<EnvFromSource> getEnvFrom() {
        return envFrom;
    }

    public void setEnvFrom(List<EnvFromSource> envFrom) {
        this.envFrom = envFrom;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Boolean getCancelRequested() {
        return cancelRequested;
    }

    public void setCancelRequested(Boolean cancelRequested) {
        this.cancelRequested = cancelRequested;
    }

    public String getQueueName() {
        return queueName;
    }

    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    // Effective values: the API server does not apply CRD defaults, and the mock server neither.

    public int inputTimeoutOrDefault() {
        return inputTimeoutSeconds == null ? DEFAULT_INPUT_TIMEOUT_SECONDS : inputTimeoutSeconds;
    }

    public int pendingDeadlineOrDefault() {
        return pendingDeadlineSeconds == null ? DEFAULT_PENDING_DEADLINE_SECONDS : pendingDeadlineSeconds;
    }

    public int backoffLimitOrDefault() {
        return backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit;
    }

    public boolean cancelRequestedOrFalse() {
        return Boolean.TRUE.equals(cancelRequested);
    }
}
