/**
 * The API server's Kubernetes mode ({@code waldiez.launcher.mode=kubernetes}): each task runs as a
 * WaldiezTask that the operator turns into a Job; nothing here exists in local mode.
 *
 * <p>Contracts:
 * <ul>
 * <li>Per task {@code <id>} (namespace {@code waldiez.launcher.kubernetes.namespace}): WaldiezTask
 * {@code task-<id>}, ConfigMap {@code task-<id>-flow} (key {@code flow.waldiez}) and, only with env
 * vars, Secret {@code task-<id>-env} referenced by {@code spec.envFrom}. All three carry labels
 * {@code waldiez.io/task-id}, {@code waldiez.io/client-id} (internal client id),
 * {@code app.kubernetes.io/managed-by=waldiez-api-server}; the ConfigMap and Secret are owned by the
 * WaldiezTask (ownerReference), so they go with it. Env values exist only in the Secret.</li>
 * <li>Cancel: JSON merge patch {@code {"spec":{"cancelRequested":true}}}. Delete:
 * {@link io.waldiez.runner.server.kubernetes.KubernetesTaskLauncher#delete(String)}, and the mirror
 * deletes the WaldiezTask of a task deleted through the API once it is final and archived.</li>
 * <li>{@link io.waldiez.runner.server.kubernetes.TaskStatusMirror} is the only path from Kubernetes
 * into PostgreSQL (through {@code tasks.TaskTransitions}); after archiving a final status it sets
 * annotation {@code waldiez.io/archived=true}. kubectl-made tasks (no client-id label; task id =
 * {@code metadata.uid}) get a row owned by {@code "kubernetes"} (reserved: no API client id can be
 * that), visible on the admin routes, file name {@code <name>.waldiez}.</li>
 * <li>Kubernetes permissions used: configmaps get/create (get only to copy a kubectl task's flow);
 * secrets create; waldieztasks create/get/list/watch/patch/delete. This is within
 * {@code crd.rbac.KubernetesPermissions.API_SERVER}.</li>
 * </ul>
 */
package io.waldiez.runner.server.kubernetes;
