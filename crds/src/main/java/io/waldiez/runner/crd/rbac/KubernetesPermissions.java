package io.waldiez.runner.crd.rbac;

import java.util.ArrayList;
import java.util.List;

/**
 * The single source in code of the Kubernetes permissions the operator and the API server's
 * Kubernetes launcher need. The Helm chart's rendered RBAC is tested against these lists, so
 * keep them exact: every verb the code uses, nothing more.
 */
public final class KubernetesPermissions {

    public static final String WALDIEZ_GROUP = "waldiez.io";

    /**
     * The operator: reads its tasks (informer), labels kubectl-made tasks with their task id,
     * writes status, deletes tasks after their TTL; creates and deletes Jobs; watches its pods;
     * creates flow ConfigMaps (removed by owner-reference garbage collection); emits Events.
     * OperatorPermissionsTest (operator module) checks this list against the calls the operator
     * makes through a whole task lifecycle.
     */
    /**
     * Not a call the operator makes: the Job's and flow ConfigMap's controller owner reference has
     * {@code blockOwnerDeletion: true}, which the admission plugin OwnerReferencesPermissionEnforcement
     * (OpenShift's default) allows only to users who may update the owner's finalizers.
     */
    public static final PolicyRule OPERATOR_BLOCK_OWNER_DELETION =
            PolicyRule.of(WALDIEZ_GROUP, "waldieztasks/finalizers", "update");

    public static final List<PolicyRule> OPERATOR = List.of(
            // get: re-read after a status patch conflict
            PolicyRule.of(WALDIEZ_GROUP, "waldieztasks", "get", "list", "watch", "patch", "delete"),
            PolicyRule.of(WALDIEZ_GROUP, "waldieztasks/status", "patch"),
            OPERATOR_BLOCK_OWNER_DELETION,
            // informers only list and watch; no single-object reads
            PolicyRule.of("batch", "jobs", "list", "watch", "create", "delete"),
            PolicyRule.of("", "pods", "list", "watch"),
            PolicyRule.of("", "configmaps", "list", "watch", "create"),
            PolicyRule.of("events.k8s.io", "events", "create"));

    /**
     * Extra rule when leader election is on: fabric8's LeaseLock reads, creates and renews (PATCH)
     * the Lease; java-operator-sdk checks for create, update and get at start (LeaderElectionTest).
     */
    public static final List<PolicyRule> OPERATOR_LEADER_ELECTION = List.of(
            PolicyRule.of("coordination.k8s.io", "leases", "get", "create", "update", "patch"));

    /**
     * The API server in Kubernetes mode: creates the flow ConfigMap and a Secret for the task's
     * environment, creates/cancels (patch)/deletes WaldiezTasks and mirrors their status with an
     * informer.
     */
    public static final List<PolicyRule> API_SERVER = List.of(
            PolicyRule.of("", "configmaps", "create", "get", "delete"),
            PolicyRule.of("", "secrets", "create", "delete"),
            PolicyRule.of(WALDIEZ_GROUP, "waldieztasks", "create", "get", "list", "watch", "update", "patch", "delete"),
            PolicyRule.of(WALDIEZ_GROUP, "waldieztasks/status", "get"));

    private KubernetesPermissions() {
    }

    /** The operator's rules, with the Lease rule when leader election is on. */
    public static List<PolicyRule> operator(boolean leaderElection) {
        List<PolicyRule> rules = new ArrayList<>(OPERATOR);
        if (leaderElection) {
            rules.addAll(OPERATOR_LEADER_ELECTION);
        }
        return List.copyOf(rules);
    }
}
