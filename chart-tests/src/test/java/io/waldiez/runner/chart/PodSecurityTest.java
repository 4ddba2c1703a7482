package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every container the chart runs (operator, API server, in-chart PostgreSQL and Redis) must pass the
 * Kubernetes "restricted" Pod Security Standard, in every value set.
 */
class PodSecurityTest {

    /** One container with the pod it runs in. */
    record Workload(String owner, PodSpec pod, Container container) {
        @Override
        public String toString() {
            return owner + "/" + container.getName();
        }
    }

    static List<Workload> workloads(ChartFixture.Rendered rendered) {
        List<Workload> all = new ArrayList<>();
        for (HasMetadata object : rendered.objects()) {
            PodSpec pod = null;
            if (object instanceof Deployment d) {
                pod = d.getSpec().getTemplate().getSpec();
            } else if (object instanceof StatefulSet s) {
                pod = s.getSpec().getTemplate().getSpec();
            }
            if (pod == null) {
                continue;
            }
            String owner = object.getKind() + " " + object.getMetadata().getName();
            PodSpec spec = pod;
            Stream.concat(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()).stream(), pod.getContainers().stream())
                    .forEach(c -> all.add(new Workload(owner, spec, c)));
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void everyContainerRunsRestricted(String valueSet) {
        List<Workload> workloads = workloads(ChartFixture.render(valueSet));
        assertThat(workloads).as("containers in %s", valueSet).isNotEmpty();

        assertThat(workloads).allSatisfy(w -> {
            PodSecurityContext pod = Optional.ofNullable(w.pod().getSecurityContext()).orElseGet(PodSecurityContext::new);
            SecurityContext container = Optional.ofNullable(w.container().getSecurityContext()).orElseGet(SecurityContext::new);

            // Container settings win over pod settings, as the kubelet applies them.
            Boolean nonRoot = first(container.getRunAsNonRoot(), pod.getRunAsNonRoot());
            Long uid = first(container.getRunAsUser(), pod.getRunAsUser());
            String seccomp = first(
                    container.getSeccompProfile() == null ? null : container.getSeccompProfile().getType(),
                    pod.getSeccompProfile() == null ? null : pod.getSeccompProfile().getType());

            assertThat(nonRoot).as("%s runAsNonRoot", w).isTrue();
            assertThat(uid).as("%s runAsUser", w).isNotNull().isPositive();
            assertThat(seccomp).as("%s seccompProfile", w).isEqualTo("RuntimeDefault");
            assertThat(container.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", w).isFalse();
            assertThat(container.getPrivileged()).as("%s privileged", w).isNotEqualTo(Boolean.TRUE);
            assertThat(container.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", w).isTrue();
            assertThat(container.getCapabilities()).as("%s capabilities", w).isNotNull();
            assertThat(container.getCapabilities().getDrop()).as("%s capabilities.drop", w).containsExactly("ALL");
            assertThat(Optional.ofNullable(container.getCapabilities().getAdd()).orElse(List.of()))
                    .as("%s capabilities.add", w).isEmpty();
            assertThat(w.pod().getHostNetwork()).as("%s hostNetwork", w).isNotEqualTo(Boolean.TRUE);
            assertThat(w.pod().getHostPID()).as("%s hostPID", w).isNotEqualTo(Boolean.TRUE);
            assertThat(w.pod().getHostIPC()).as("%s hostIPC", w).isNotEqualTo(Boolean.TRUE);
            assertThat(w.pod().getVolumes()).as("%s volumes", w).noneMatch(v -> v.getHostPath() != null);
        });
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void readOnlyRootFilesystemStillHasAWritableTmp(String valueSet) {
        assertThat(workloads(ChartFixture.render(valueSet))).allSatisfy(w -> {
            Map<String, Volume> volumes = new java.util.HashMap<>();
            w.pod().getVolumes().forEach(v -> volumes.put(v.getName(), v));
            assertThat(w.container().getVolumeMounts())
                    .as("%s mounts", w)
                    .anySatisfy(m -> {
                        assertThat(m.getMountPath()).isEqualTo("/tmp");
                        assertThat(volumes.get(m.getName()).getEmptyDir()).isNotNull();
                        assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                    });
        });
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void everyContainerHasProbesAndAMemoryLimit(String valueSet) {
        assertThat(workloads(ChartFixture.render(valueSet))).allSatisfy(w -> {
            assertThat(w.container().getLivenessProbe()).as("%s liveness", w).isNotNull();
            assertThat(w.container().getReadinessProbe()).as("%s readiness", w).isNotNull();
            assertThat(w.container().getResources().getLimits()).as("%s limits", w).containsKey("memory");
            assertThat(w.container().getResources().getRequests()).as("%s requests", w).containsKeys("cpu", "memory");
        });
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void onlyTheOperatorAndTheApiServerGetAServiceAccountToken(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);
        for (StatefulSet set : rendered.all(StatefulSet.class)) {
            assertThat(set.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                    .as("%s automountServiceAccountToken", set.getMetadata().getName()).isFalse();
        }
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
