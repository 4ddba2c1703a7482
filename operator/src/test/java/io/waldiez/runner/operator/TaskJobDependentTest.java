package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTask;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Job a task becomes: security, failure policy, flow mount, environment by reference. */
class TaskJobDependentTest {

    static WaldiezTask task(WaldiezTaskSpec spec) {
        WaldiezTask t = new WaldiezTask();
        t.setMetadata(new ObjectMetaBuilder().withName("standup").withNamespace("team-a").withUid("uid-1")
                .withLabels(Map.of(Labels.TASK_ID, "abc123")).build());
        t.setSpec(spec);
        return t;
    }

    @Test
    void jobIsLockedDownAndRunsTheFlowFromTheConfigMap() {
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofConfigMap("standup-flow", "my.waldiez"));
        spec.setEnv(List.of(new EnvVar("WALDIEZ_TASK_ID", "spoofed", null)));
        Job job = TaskJobDependent.desiredJob(task(spec), OperatorSettings.defaults("redis://x"));

        assertThat(job.getMetadata().getName()).isEqualTo("wt-standup");
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_OPERATOR)
                .containsEntry(Labels.TASK_ID, "abc123").doesNotContainKey(Labels.KUEUE_QUEUE_NAME);
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
            assertThat(r.getController()).isTrue();
            assertThat(r.getUid()).isEqualTo("uid-1");
        });
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getSuspend()).isNull();
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).hasSize(2);
        assertThat(job.getSpec().getPodFailurePolicy().getRules().get(0).getOnExitCodes().getValues())
                .containsExactly(10, 11, 12, 13);
        assertThat(job.getSpec().getPodFailurePolicy().getRules().get(1).getAction()).isEqualTo("Ignore");

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("waldiez/runner:latest");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/flow") && m.getReadOnly());
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/work"));
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals("standup-flow")
                && v.getConfigMap().getItems().get(0).getKey().equals("my.waldiez")
                && v.getConfigMap().getItems().get(0).getPath().equals("flow.waldiez"));
        // ours come last, so the last WALDIEZ_TASK_ID (the real one) wins
        List<EnvVar> taskIds = c.getEnv().stream().filter(e -> e.getName().equals("WALDIEZ_TASK_ID")).toList();
        assertThat(taskIds.get(taskIds.size() - 1).getValue()).isEqualTo("abc123");
        assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("WALDIEZ_FLOW_PATH") && e.getValue().equals("/flow/flow.waldiez"));
        assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("WALDIEZ_INPUT_TIMEOUT") && e.getValue().equals("180"));
        assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("HOME") && e.getValue().equals("/work"));
        // Its own Redis user: the address without credentials, its user name, its password from its own Secret.
        Map<String, EnvVar> byName = new java.util.HashMap<>();
        c.getEnv().forEach(e -> byName.put(e.getName(), e)); // the last of each name wins, as in a pod
        assertThat(byName.get("WALDIEZ_REDIS_URL").getValue()).isEqualTo("redis://x");
        assertThat(byName.get("WALDIEZ_REDIS_USERNAME").getValue()).isEqualTo("task-abc123");
        EnvVar password = byName.get("WALDIEZ_REDIS_PASSWORD");
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("wt-standup-redis");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
    }

    @Test
    void podsGetTheRedisAddressWithoutTheOperatorsCredentials() {
        OperatorSettings settings = OperatorSettings.defaults("redis://operator:op-secret@redis.ns.svc:6379/0");
        assertThat(settings.runnerRedisUrl()).isEqualTo("redis://redis.ns.svc:6379/0");
        assertThat(OperatorSettings.defaults("rediss://:pw@h:6380").runnerRedisUrl()).isEqualTo("rediss://h:6380");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OperatorSettings("img", List.of(), "redis://h",
                        "redis://u:p@h", "operator", java.time.Duration.ofSeconds(1), java.time.Duration.ofDays(1),
                        java.time.Duration.ofDays(1), java.time.Duration.ofSeconds(1), 1,
                        new OperatorSettings.LeaderElection(false, "l", null),
                        new OperatorSettings.TaskWorkdir("Memory", "256Mi")))
                .hasMessageContaining("must not hold credentials");
    }

    @Test
    void queuedTaskIsLabelledForKueueAndCreatedSuspended() {
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofInline("{}"));
        spec.setQueueName("team-a-queue");
        spec.setBackoffLimit(2);
        spec.setImage("example.org/runner:1");
        Job job = TaskJobDependent.desiredJob(task(spec), OperatorSettings.defaults("redis://x"));
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.KUEUE_QUEUE_NAME, "team-a-queue");
        assertThat(job.getSpec().getSuspend()).isTrue();
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("example.org/runner:1");
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).anyMatch(v -> v.getConfigMap() != null
                && v.getConfigMap().getName().equals("wt-standup-flow"));
    }

    static Map<String, EmptyDirVolumeSource> emptyDirs(OperatorSettings settings) {
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofInline("{}"));
        Job job = TaskJobDependent.desiredJob(task(spec), settings);
        Map<String, EmptyDirVolumeSource> dirs = new java.util.TreeMap<>();
        for (Volume v : job.getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getEmptyDir() != null) {
                dirs.put(v.getName(), v.getEmptyDir());
            }
        }
        return dirs;
    }

    @Test
    void workAndTmpAreMemoryBackedAndCappedByDefault() {
        Map<String, EmptyDirVolumeSource> dirs = emptyDirs(OperatorSettings.defaults("redis://x"));
        assertThat(dirs).containsOnlyKeys("work", "tmp");
        dirs.forEach((name, dir) -> {
            assertThat(dir.getMedium()).as("%s medium", name).isEqualTo("Memory");
            assertThat(dir.getSizeLimit()).as("%s sizeLimit", name).hasToString("256Mi");
        });
    }

    @Test
    void emptyMediumAndSizeLimitGiveAPlainEmptyDir() {
        Map<String, EmptyDirVolumeSource> dirs = emptyDirs(OperatorSettings.defaults("redis://x")
                .withTaskWorkdir(new OperatorSettings.TaskWorkdir("", "")));
        assertThat(dirs).containsOnlyKeys("work", "tmp");
        dirs.forEach((name, dir) -> {
            assertThat(dir.getMedium()).as("%s medium", name).isNull();
            assertThat(dir.getSizeLimit()).as("%s sizeLimit", name).isNull();
        });
        // each set on its own
        dirs = emptyDirs(OperatorSettings.defaults("redis://x").withTaskWorkdir(new OperatorSettings.TaskWorkdir("", "1Gi")));
        assertThat(dirs.get("work").getMedium()).isNull();
        assertThat(dirs.get("work").getSizeLimit()).hasToString("1Gi");
        dirs = emptyDirs(OperatorSettings.defaults("redis://x").withTaskWorkdir(new OperatorSettings.TaskWorkdir("Memory", "")));
        assertThat(dirs.get("tmp").getMedium()).isEqualTo("Memory");
        assertThat(dirs.get("tmp").getSizeLimit()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Disk", "memory", "HugePages", " Memory"})
    void anUnknownMediumIsRejectedWithAMessage(String medium) {
        assertThatThrownBy(() -> new OperatorSettings.TaskWorkdir(medium, "256Mi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("waldiez.operator.task-workdir.medium must be \"Memory\" (tmpfs) or \"\" (node disk), not \""
                        + medium + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "256MB", "1.5.5", "Mi", " 256Mi", "-1Mi", "0"})
    void aSizeLimitThatIsNoPositiveQuantityIsRejectedWithAMessage(String sizeLimit) {
        assertThatThrownBy(() -> new OperatorSettings.TaskWorkdir("Memory", sizeLimit))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("waldiez.operator.task-workdir.size-limit must be a positive Kubernetes quantity such as"
                        + " 256Mi or 1Gi, or \"\" for no limit, not \"" + sizeLimit + "\"");
    }

    @Test
    void longNamesAreBoundedAndStayUnique() {
        String a = TaskIds.boundedName("wt-" + "a".repeat(80));
        String b = TaskIds.boundedName("wt-" + "a".repeat(81));
        assertThat(a).hasSizeLessThanOrEqualTo(63).isNotEqualTo(b);
        assertThat(TaskIds.boundedName("wt-short")).isEqualTo("wt-short");
    }
}
