package io.waldiez.runner.crd;

/**
 * Label and annotation keys shared by the operator, the API server's Kubernetes launcher and the
 * Helm chart. One place, so nobody re-spells them.
 */
public final class Labels {

    /** Task id on the WaldiezTask (set by the API server, or by the operator from metadata.uid), its Job, pod and ConfigMap. */
    public static final String TASK_ID = "waldiez.io/task-id";
    /** Owning API client; present only on tasks the API server made (its presence means "wait for the archive before TTL"). */
    public static final String CLIENT_ID = "waldiez.io/client-id";
    /** Name of the WaldiezTask a Job, pod or ConfigMap belongs to (pods are owned by the Job, not the task). */
    public static final String TASK_NAME = "waldiez.io/task-name";
    /** Annotation the API server sets to "true" once the task's transcript and results are in PostgreSQL. */
    public static final String ARCHIVED = "waldiez.io/archived";

    /** Standard label the operator's informers select on. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_OPERATOR = "waldiez-operator";
    /** Selector the operator's Job, Pod and ConfigMap informers use. */
    public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_OPERATOR;
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String COMPONENT_TASK = "waldiez-task";

    /** Kueue's queue label, copied from spec.queueName onto the Job. */
    public static final String KUEUE_QUEUE_NAME = "kueue.x-k8s.io/queue-name";

    private Labels() {
    }
}
