package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.waldiez.runner.crd.FlowSource;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.crd.WaldiezTaskSpec;
import io.waldiez.runner.protocol.PackagesKey;
import io.waldiez.runner.protocol.PackagesRequest;
import io.waldiez.runner.protocol.ProtocolCodec;
import io.waldiez.runner.protocol.RunnerStatus;
import io.waldiez.runner.protocol.StreamKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flows' packages in Kubernetes mode (docs/packages.md), on fabric8's mock API server (CRUD) and a
 * real Redis: the task Job mounts the shared cache read-only, or installs in its own pod when there is
 * none or when the task names its own image; one build Job per environment writes only its own
 * directory; the runner is told when it is ready, or why it is not.
 */
@EnableKubernetesMockClient(crud = true)
class PackagesMockTest {

    static final String NS = "pkg";
    @RegisterExtension
    static final TestRedis REDIS = new TestRedis();
    KubernetesClient client;

    private static final String BASE = "0".repeat(64);
    private static final String KEY = PackagesKey.of(BASE, "", List.of("tabulate"));


    static OperatorSettings shared() {
        return OperatorSettings.defaults("redis://x").withPackages(PackagesSettings.defaults().withCacheClaim("waldiez-packages")
                .withIndexUrlSecret("pip-index", "url"));
    }

    static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e, (a, b) -> b, LinkedHashMap::new));
    }

    static WaldiezTaskSpec spec() {
        WaldiezTaskSpec spec = new WaldiezTaskSpec();
        spec.setFlow(FlowSource.ofConfigMap("f", "flow.waldiez"));
        return spec;
    }

    @Test
    void aTaskOfTheOperatorsImageMountsTheSharedCacheReadOnly() {
        WaldiezTaskSpec spec = spec();
        spec.setSkipDeps(false);
        spec.setPackagesOnly(true);
        spec.setEnv(List.of(new EnvVar("WALDIEZ_PACKAGES", "off", null)));
        Job job = TaskJobDependent.desiredJob(TaskJobDependentTest.task(spec), shared());
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("waldiez/runner:latest");
        Volume cache = pod.getVolumes().stream().filter(v -> v.getName().equals("packages")).findFirst().orElseThrow();
        assertThat(cache.getPersistentVolumeClaim().getClaimName()).isEqualTo("waldiez-packages");
        assertThat(cache.getPersistentVolumeClaim().getReadOnly()).isTrue();
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("packages")).findFirst().orElseThrow();
        assertThat(mount.getMountPath()).isEqualTo("/packages");
        assertThat(mount.getReadOnly()).isTrue();
        Map<String, EnvVar> env = env(c);
        // the task's own WALDIEZ_PACKAGES comes first; ours, last, wins
        assertThat(env.get("WALDIEZ_PACKAGES").getValue()).isEqualTo("cache");
        assertThat(env.get("WALDIEZ_PACKAGES_DIR").getValue()).isEqualTo("/packages");
        assertThat(env.get("WALDIEZ_SKIP_DEPS").getValue()).isEqualTo("false");
        assertThat(env.get("WALDIEZ_PACKAGES_ONLY").getValue()).isEqualTo("true");
        assertThat(env.get("WALDIEZ_PACKAGES_INDEX").getValue()).hasSize(16); // the Secret reference keys it
        // the run does not install: no index credentials reach it
        assertThat(env).doesNotContainKey("PIP_INDEX_URL");
    }

    @Test
    void aTaskWithItsOwnImageOrWithoutASharedCacheInstallsInItsOwnPod() {
        WaldiezTaskSpec spec = spec();
        spec.setImage("team/baked-runner:2");
        for (var settings : List.of(shared(), OperatorSettings.defaults("redis://x"))) {
            Job job = TaskJobDependent.desiredJob(TaskJobDependentTest.task(spec), settings);
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            assertThat(c.getImage()).isEqualTo("team/baked-runner:2");
            assertThat(pod.getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
            Map<String, EnvVar> env = env(c);
            assertThat(env.get("WALDIEZ_PACKAGES").getValue()).isEqualTo("self");
            assertThat(env.get("WALDIEZ_PACKAGES_DIR").getValue()).isEqualTo("/work/packages");
            assertThat(env).doesNotContainKey("WALDIEZ_SKIP_DEPS");
        }
        Map<String, EnvVar> withSecret = env(TaskJobDependent.desiredJob(TaskJobDependentTest.task(spec), shared())
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(withSecret.get("PIP_INDEX_URL").getValueFrom().getSecretKeyRef().getName()).isEqualTo("pip-index");
        assertThat(withSecret.get("PIP_INDEX_URL").getValue()).isNull();
        PackagesSettings off = new PackagesSettings(false, "", "", "", "url", List.of(), false, List.of(), List.of(),
                null, null);
        Map<String, EnvVar> none = env(TaskJobDependent.desiredJob(TaskJobDependentTest.task(spec()),
                OperatorSettings.defaults("redis://x").withPackages(off)).getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(none.get("WALDIEZ_PACKAGES").getValue()).isEqualTo("off");
    }

    @Test
    void indexCredentialsInTheSettingsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PackagesSettings(true, "", "https://u:p@mirror/simple",
                "", "url", List.of(), false, List.of(), List.of(), null, null))
                .hasMessageContaining("must not hold credentials");
    }

    @Test
    void oneBuildJobPerEnvironmentWritesOnlyItsOwnDirectoryAndItsOutcomeIsRead() {
        OperatorSettings settings = shared();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PackageBuilds builds = new PackageBuilds(settings, meters);
        // with the index in a Secret, its reference is the index part of the key
        String key = PackagesKey.of(BASE, settings.packages().policy().indexFingerprint(), List.of("tabulate"));
        PackagesRequest request = new PackagesRequest("1-0", "t1", PackagesRequest.State.NEEDED, key, BASE, List.of("tabulate"));

        assertThat(builds.check(NS, request, client).state()).isEqualTo(PackageBuilds.Outcome.State.BUILDING);
        assertThat(builds.check(NS, request, client).state()).isEqualTo(PackageBuilds.Outcome.State.BUILDING);
        List<Job> jobs = client.batch().v1().jobs().inNamespace(NS).list().getItems();
        assertThat(jobs).singleElement().satisfies(j -> assertThat(j.getMetadata().getName()).isEqualTo("waldiez-env-" + key));
        Job job = jobs.get(0);
        assertThat(job.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_OPERATOR)
                .containsEntry(PackageBuilds.ENV_KEY, key);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(settings.defaultImage());
        assertThat(c.getCommand()).containsExactly("python", "-m", "waldiez_task_runner.packages", "build", "--dir",
                "/packages/" + key, "--key", key, "--base", BASE, "--requirement", "tabulate");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        VolumeMount own = c.getVolumeMounts().stream().filter(m -> m.getName().equals("packages")).findFirst().orElseThrow();
        assertThat(own.getSubPath()).isEqualTo(key);
        assertThat(own.getMountPath()).isEqualTo("/packages/" + key);
        assertThat(pod.getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null
                && v.getPersistentVolumeClaim().getClaimName().equals("waldiez-packages"));
        assertThat(env(c).get("PIP_INDEX_URL").getValueFrom().getSecretKeyRef().getName()).isEqualTo("pip-index");

        // the Job controller and kubelet, played here: it failed, and the builder said why
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("b-1")
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withNewStatus().withContainerStatuses(new ContainerStatusBuilder().withName("build").withNewState()
                        .withNewTerminated().withExitCode(1).withMessage("No matching distribution found for tabulate")
                        .endTerminated().endState().build()).endStatus().build()).create();
        client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withFailed(1).withConditions(
                    new JobConditionBuilder().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded").build())
                    .build());
            return j;
        });
        PackageBuilds.Outcome failed = builds.check(NS, request, client);
        assertThat(failed.state()).isEqualTo(PackageBuilds.Outcome.State.FAILED);
        assertThat(failed.reason()).isEqualTo("No matching distribution found for tabulate");
        await().until(() -> client.batch().v1().jobs().inNamespace(NS).withName("waldiez-env-" + key).get() == null);
        // another run that waited for the same build learns the same reason, without a second build
        assertThat(builds.check(NS, request, client)).isEqualTo(failed);
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("waldiez-env-" + key).get()).isNull();

        // a run that asks after the failure builds again; this time it succeeds
        request = new PackagesRequest((System.currentTimeMillis() + 1) + "-0", "t3", PackagesRequest.State.NEEDED, key,
                BASE, List.of("tabulate"));
        assertThat(builds.check(NS, request, client).state()).isEqualTo(PackageBuilds.Outcome.State.BUILDING);
        client.batch().v1().jobs().inNamespace(NS).withName("waldiez-env-" + key).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(1).build());
            return j;
        });
        assertThat(builds.check(NS, request, client).state()).isEqualTo(PackageBuilds.Outcome.State.READY);
        assertThat(meters.find("waldiez.packages.builds").tag("outcome", "started").counter().count()).isEqualTo(2);

        // a request whose key is not its content (a run trying to poison another set's environment) builds nothing
        PackagesRequest poisoned = new PackagesRequest("2-0", "t2", PackagesRequest.State.NEEDED, key, BASE,
                List.of("evil-package"));
        PackageBuilds.Outcome refused = builds.check("other", poisoned, client);
        assertThat(refused.state()).isEqualTo(PackageBuilds.Outcome.State.FAILED);
        assertThat(refused.reason()).contains("does not match");
        assertThat(client.batch().v1().jobs().inNamespace("other").list().getItems()).isEmpty();
    }

    @Test
    void theOperatorBuildsWhatARunAsksForAndTellsIt() {
        OperatorHarness.installCrd(client);
        RedisClient redisClient = RedisClient.create(REDIS.url());
        try (StatefulRedisConnection<String, String> redis = redisClient.connect();
             OperatorHarness operator = new OperatorHarness(client, OperatorSettings.defaults(REDIS.url())
                     .withWatchNamespaces(List.of(NS)).withPackages(PackagesSettings.defaults().withCacheClaim("cache")))) {
            redis.sync().flushall();
            operator.start();
            TaskLifecycleScenarios scenarios = new TaskLifecycleScenarios(client, NS, redis.sync());
            scenarios.createTask("plots", s -> { });
            String taskId = scenarios.awaitTaskId("plots");
            Job taskJob = scenarios.awaitJob("plots");
            assertThat(taskJob.getSpec().getTemplate().getSpec().getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null
                    && v.getPersistentVolumeClaim().getClaimName().equals("cache") && v.getPersistentVolumeClaim().getReadOnly());
            scenarios.createPod("plots");
            scenarios.podRunning("plots");
            scenarios.runnerStatus(taskId, RunnerStatus.RUNNING, null);
            // the runner: this flow needs tabulate, which is not in the cache
            redis.sync().xadd(StreamKeys.status(taskId), Map.of("kind", "packages", "task_id", taskId, "state", "needed",
                    "key", KEY, "base", BASE, "requirements", "[\"tabulate\"]", "timestamp", "1"));
            redis.sync().xadd(StreamKeys.GLOBAL_STATUS, new ProtocolCodec().encodeHint(taskId, RunnerStatus.RUNNING));

            await().atMost(TaskLifecycleScenarios.WAIT).until(() ->
                    client.batch().v1().jobs().inNamespace(NS).withName("waldiez-env-" + KEY).get() != null);
            assertThat(scenarios.controlEntries(taskId)).isEmpty();
            client.batch().v1().jobs().inNamespace(NS).withName("waldiez-env-" + KEY).editStatus(j -> {
                j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(1).build());
                return j;
            });
            await().atMost(TaskLifecycleScenarios.WAIT).until(() -> !scenarios.controlEntries(taskId).isEmpty());
            assertThat(scenarios.controlEntries(taskId)).singleElement()
                    .satisfies(e -> assertThat(e.get("action")).isEqualTo("packages-ready"));
        } finally {
            redisClient.shutdown();
        }
    }
}
