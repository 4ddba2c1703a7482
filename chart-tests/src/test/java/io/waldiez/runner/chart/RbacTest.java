package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.waldiez.runner.crd.rbac.KubernetesPermissions;
import io.waldiez.runner.crd.rbac.PolicyRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static io.waldiez.runner.chart.ChartFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered RBAC must grant exactly what {@link KubernetesPermissions} (the code's single list)
 * says, for both ServiceAccounts, in every install shape: every rule present, nothing more.
 */
class RbacTest {

    /** Scope of a grant: a namespace, or {@link #CLUSTER} for a ClusterRoleBinding. */
    static final String CLUSTER = "*";

    static final String OPERATOR_SA = FULLNAME + "-operator";
    static final String API_SERVER_SA = FULLNAME + "-api-server";

    /** One permission: verb on group/resource. Wildcards stay literal, so they never match an expectation. */
    record Permission(String group, String resource, String verb) implements Comparable<Permission> {
        @Override
        public int compareTo(Permission o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
        }
    }

    static Set<Permission> expand(Collection<PolicyRule> rules) {
        Set<Permission> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.apiGroups()) {
                for (String resource : rule.resources()) {
                    for (String verb : rule.verbs()) {
                        out.add(new Permission(group, resource, verb));
                    }
                }
            }
        }
        return out;
    }

    static Set<Permission> expandK8s(List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules) {
        Set<Permission> out = new TreeSet<>();
        for (var rule : rules) {
            assertThat(rule.getResourceNames()).as("rules are not narrowed by name here").isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).as("no non-resource URLs").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        out.add(new Permission(group, resource, verb));
                    }
                }
            }
        }
        return out;
    }

    /** What a ServiceAccount may do, per scope, according to the rendered bindings. */
    static Map<String, Set<Permission>> grants(ChartFixture.Rendered rendered, String serviceAccount) {
        Map<String, Set<Permission>> byScope = new HashMap<>();
        for (RoleBinding binding : rendered.all(RoleBinding.class)) {
            if (binds(binding.getSubjects(), serviceAccount)) {
                String ns = binding.getMetadata().getNamespace();
                byScope.computeIfAbsent(ns, k -> new TreeSet<>())
                        .addAll(rulesOf(rendered, binding.getRoleRef(), ns));
            }
        }
        for (ClusterRoleBinding binding : rendered.all(ClusterRoleBinding.class)) {
            if (binds(binding.getSubjects(), serviceAccount)) {
                byScope.computeIfAbsent(CLUSTER, k -> new TreeSet<>())
                        .addAll(rulesOf(rendered, binding.getRoleRef(), null));
            }
        }
        return byScope;
    }

    private static boolean binds(List<Subject> subjects, String serviceAccount) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && serviceAccount.equals(s.getName()) && NAMESPACE.equals(s.getNamespace()));
    }

    private static Set<Permission> rulesOf(ChartFixture.Rendered rendered, RoleRef ref, String namespace) {
        assertThat(ref.getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        if ("Role".equals(ref.getKind())) {
            return expandK8s(rendered.one(Role.class, namespace, ref.getName()).getRules());
        }
        // A bound ClusterRole must be one the chart renders (never a built-in like cluster-admin).
        return expandK8s(rendered.one(ClusterRole.class, ref.getName()).getRules());
    }

    static Set<Permission> union(Set<Permission> a, Set<Permission> b) {
        Set<Permission> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    static List<String> watchNamespaces(String valueSet) {
        return "namespaced".equals(valueSet) ? List.of("team-a", "team-b") : List.of();
    }

    static boolean leaderElection(String valueSet) {
        return "cluster-leader-election".equals(valueSet);
    }

    static String taskNamespace(String valueSet) {
        return "namespaced".equals(valueSet) ? "team-a" : NAMESPACE;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void operatorGetsExactlyKubernetesPermissions(String valueSet) {
        Map<String, Set<Permission>> grants = grants(ChartFixture.render(valueSet), OPERATOR_SA);

        Set<Permission> tasks = expand(KubernetesPermissions.OPERATOR);
        Set<Permission> lease = expand(KubernetesPermissions.OPERATOR_LEADER_ELECTION);
        Map<String, Set<Permission>> expected = new HashMap<>();
        List<String> watched = watchNamespaces(valueSet);
        if (watched.isEmpty()) {
            expected.put(CLUSTER, tasks);
        } else {
            watched.forEach(ns -> expected.put(ns, tasks));
        }
        if (leaderElection(valueSet)) {
            // The Lease lives in the release namespace only.
            expected.merge(NAMESPACE, lease, RbacTest::union);
        }

        assertThat(grants).as("operator grants per scope in %s", valueSet).isEqualTo(expected);
        // Sanity: the single source itself matches what the operator's Jobs need at the very least.
        assertThat(union(tasks, lease)).isEqualTo(expand(KubernetesPermissions.operator(true)));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void apiServerGetsExactlyKubernetesPermissionsWhereItCreatesTasks(String valueSet) {
        Map<String, Set<Permission>> grants = grants(ChartFixture.render(valueSet), API_SERVER_SA);
        Set<Permission> expected = expand(KubernetesPermissions.API_SERVER);
        String taskNamespace = taskNamespace(valueSet);

        Set<Permission> effectiveInTaskNamespace = union(
                grants.getOrDefault(CLUSTER, Set.of()), grants.getOrDefault(taskNamespace, Set.of()));
        assertThat(effectiveInTaskNamespace).as("API server in its task namespace %s", taskNamespace).isEqualTo(expected);

        // Anywhere else (cluster-wide, other watched namespaces) only a subset: it reads tasks there.
        grants.forEach((scope, permissions) ->
                assertThat(expected).as("API server grants in scope %s", scope).containsAll(permissions));
        Set<Permission> read = expected.stream()
                .filter(p -> p.group().equals(KubernetesPermissions.WALDIEZ_GROUP))
                .filter(p -> Set.of("get", "list", "watch").contains(p.verb()))
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> watched = watchNamespaces(valueSet);
        for (String scope : watched.isEmpty() ? List.of(CLUSTER) : watched) {
            assertThat(union(grants.getOrDefault(CLUSTER, Set.of()), grants.getOrDefault(scope, Set.of())))
                    .as("API server can mirror tasks in %s", scope).containsAll(read);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void namespacedInstallsBindNothingClusterWide(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);
        if (watchNamespaces(valueSet).isEmpty()) {
            assertThat(rendered.all(ClusterRoleBinding.class)).isNotEmpty();
        } else {
            assertThat(rendered.all(ClusterRoleBinding.class)).isEmpty();
            // Only the aggregated tenant roles are cluster-scoped; nothing binds them to our accounts.
            assertThat(rendered.all(ClusterRole.class)).allSatisfy(role ->
                    assertThat(role.getMetadata().getLabels()).containsAnyOf(
                            Map.entry("rbac.authorization.k8s.io/aggregate-to-admin", "true"),
                            Map.entry("rbac.authorization.k8s.io/aggregate-to-view", "true")));
        }
    }

    @Test
    void tenantRolesAggregateIntoTheBuiltInAdminEditAndViewRoles() {
        ChartFixture.Rendered rendered = ChartFixture.render("default");

        ClusterRole admin = rendered.one(ClusterRole.class, FULLNAME + "-tasks-admin");
        ClusterRole view = rendered.one(ClusterRole.class, FULLNAME + "-tasks-view");

        assertThat(admin.getMetadata().getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
        assertThat(view.getMetadata().getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-edit");

        Set<Permission> viewPermissions = expandK8s(view.getRules());
        assertThat(viewPermissions).extracting(Permission::verb).containsOnly("get", "list", "watch");
        assertThat(viewPermissions).extracting(Permission::group).containsOnly(KubernetesPermissions.WALDIEZ_GROUP);
        Set<Permission> adminPermissions = expandK8s(admin.getRules());
        assertThat(adminPermissions).extracting(Permission::group).containsOnly(KubernetesPermissions.WALDIEZ_GROUP);
        assertThat(adminPermissions).contains(
                new Permission("waldiez.io", "waldieztasks", "create"),
                new Permission("waldiez.io", "waldieztasks", "delete"),
                new Permission("waldiez.io", "waldieztasks", "patch"));
        // Status belongs to the operator: tenants can read it but not write it.
        assertThat(union(adminPermissions, viewPermissions))
                .filteredOn(p -> p.resource().equals("waldieztasks/status"))
                .extracting(Permission::verb).containsOnly("get");
    }

    @Test
    void theLocalLauncherGetsNoKubernetesAccessAtAll() {
        ChartFixture.Rendered rendered = ChartFixture.render("default", Map.of("apiServer.launcherMode", "local"));

        assertThat(grants(rendered, API_SERVER_SA)).isEmpty();
        assertThat(rendered.one(io.fabric8.kubernetes.api.model.apps.Deployment.class, API_SERVER_SA)
                .getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(grants(rendered, OPERATOR_SA)).containsKey(CLUSTER);
    }

    @Test
    void rbacCanBeLeftToTheCluster() {
        ChartFixture.Rendered rendered = ChartFixture.render("default", Map.of("rbac.create", "false"));

        assertThat(rendered.all(Role.class)).isEmpty();
        assertThat(rendered.all(RoleBinding.class)).isEmpty();
        assertThat(rendered.all(ClusterRole.class)).isEmpty();
        assertThat(rendered.all(ClusterRoleBinding.class)).isEmpty();
        Set<String> kinds = new HashSet<>();
        rendered.objects().forEach(o -> kinds.add(o.getKind()));
        assertThat(kinds).contains("Deployment", "ServiceAccount");
    }
}
