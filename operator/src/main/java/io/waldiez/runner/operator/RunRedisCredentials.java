package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.protocol.TaskAcl;
import io.waldiez.runner.protocol.TaskRedisUsers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's own Redis identity in Kubernetes mode (docs/security.md): the task's Secret
 * ({@link TaskIds#runRedisSecretName}, owned by the task, so it goes with it) holds a random password,
 * and the run's ACL user ({@link TaskAcl}) is created with it before the Job exists, and deleted when
 * the task ends. The task pod gets the user name and, by reference to that Secret, the password:
 * nothing that reaches another task.
 */
final class RunRedisCredentials implements AutoCloseable {

    static final String PASSWORD_KEY = "password";
    static final String USERNAME_KEY = "username";
    private static final Logger log = LoggerFactory.getLogger(RunRedisCredentials.class);

    private final RedisClient redis;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile TaskRedisUsers users;
    /** Task id to password, so a look at a running task needs no API call. */
    private final Map<String, String> passwords = new ConcurrentHashMap<>();

    RunRedisCredentials(RedisClient redis) {
        this.redis = redis;
    }

    /** The task's Secret (created if missing) and its Redis user (created if missing). */
    void ensure(WaldiezTask task, KubernetesClient client) {
        String taskId = TaskIds.of(task);
        String password = passwords.computeIfAbsent(taskId, id -> secretPassword(task, client));
        if (users().ensure(taskId, password)) {
            log.info("created the run's Redis user {}", TaskAcl.userName(taskId));
        }
    }

    /** The run is over (or its task is gone): its user goes, and Redis closes its connections. */
    void delete(String taskId) {
        passwords.remove(taskId);
        if (users().delete(taskId)) {
            log.info("deleted the run's Redis user {}", TaskAcl.userName(taskId));
        }
    }

    /**
     * Deletes the users of runs whose task is gone or over: a task deleted while it ran is never
     * reconciled again (the operator puts no finalizer on tasks), so its user is removed here.
     */
    void sweep(IndexedResourceCache<WaldiezTask> tasks) {
        for (String taskId : users().runTaskIds()) {
            boolean live = tasks.byIndex(RunnerStatusEventSource.TASK_ID_INDEX, taskId).stream()
                    .anyMatch(t -> t.getStatus() == null || t.getStatus().getPhase() == null
                            || !t.getStatus().getPhase().isTerminal());
            if (!live) {
                delete(taskId);
            }
        }
    }

    private String secretPassword(WaldiezTask task, KubernetesClient client) {
        String namespace = task.getMetadata().getNamespace();
        String name = TaskIds.runRedisSecretName(task);
        Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
        if (existing == null) {
            Secret secret = new SecretBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(TaskJobDependent.labels(task))
                    .withOwnerReferences(TaskJobDependent.controllerReference(task))
                    .endMetadata()
                    .withImmutable(true)
                    .withType("Opaque")
                    .addToStringData(USERNAME_KEY, TaskAcl.userName(TaskIds.of(task)))
                    .addToStringData(PASSWORD_KEY, TaskRedisUsers.newPassword())
                    .build();
            try {
                existing = client.secrets().inNamespace(namespace).resource(secret).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                existing = client.secrets().inNamespace(namespace).withName(name).get(); // created meanwhile
            }
        }
        Map<String, String> data = existing.getData();
        String encoded = data == null ? null : data.get(PASSWORD_KEY);
        if (encoded != null) {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        String plain = existing.getStringData() == null ? null : existing.getStringData().get(PASSWORD_KEY);
        if (plain == null) {
            throw new IllegalStateException("Secret " + namespace + "/" + name + " has no " + PASSWORD_KEY);
        }
        return plain;
    }

    private TaskRedisUsers users() {
        if (users == null) {
            synchronized (this) {
                if (users == null) {
                    connection = redis.connect();
                    users = new TaskRedisUsers(connection);
                }
            }
        }
        return users;
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
