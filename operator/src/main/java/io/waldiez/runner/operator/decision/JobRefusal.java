package io.waldiez.runner.operator.decision;

/**
 * The API server refused to create the task's Job (or its flow ConfigMap): a ResourceQuota
 * ({@code 403 exceeded quota}), an admission webhook, a policy, a terminating namespace...
 * Recorded as the {@code JobCreated=False} condition with the API's own reason and message.
 *
 * @param apiReason the Status reason of the API's answer, e.g. {@code Forbidden}, {@code Invalid}
 * @param message   the API's message, e.g. {@code jobs.batch "wt-x" is forbidden: exceeded quota: ...}
 */
public record JobRefusal(String apiReason, String message) {
}
