package io.waldiez.runner.operator;

import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Task ids and the deterministic names of a task's Job, ConfigMap and Secret. */
public final class TaskIds {

    /** Key of the flow in the operator's ConfigMap; the runner reads it at {@link #FLOW_PATH}. */
    public static final String FLOW_KEY = "flow.waldiez";
    public static final String FLOW_DIR = "/flow";
    public static final String FLOW_PATH = FLOW_DIR + "/" + FLOW_KEY;
    private static final int MAX_NAME = 63; // the Job controller copies the Job name into a label

    private TaskIds() {
    }

    /** The task id: label waldiez.io/task-id (API server tasks), else metadata.uid (kubectl tasks). */
    public static String of(WaldiezTask task) {
        Map<String, String> labels = task.getMetadata().getLabels();
        String label = labels == null ? null : labels.get(Labels.TASK_ID);
        return label != null && !label.isBlank() ? label : task.getMetadata().getUid();
    }

    public static String jobName(WaldiezTask task) {
        return boundedName("wt-" + task.getMetadata().getName());
    }

    public static String flowConfigMapName(WaldiezTask task) {
        return boundedName("wt-" + task.getMetadata().getName() + "-flow");
    }

    /** The task's own Secret: its run's Redis user and password (protocol v2, docs/security.md). */
    public static String runRedisSecretName(WaldiezTask task) {
        return boundedName("wt-" + task.getMetadata().getName() + "-redis");
    }

    /** Kubernetes names of at most 63 characters; longer ones keep a prefix and a hash, so they stay unique. */
    static String boundedName(String name) {
        if (name.length() <= MAX_NAME) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(digest, 0, 5);
            String prefix = name.substring(0, MAX_NAME - hash.length() - 1).replaceAll("[-.]+$", "");
            return prefix + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
