package io.waldiez.runner.operator;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.waldiez.runner.crd.Labels;
import io.waldiez.runner.protocol.PackagesKey;
import io.waldiez.runner.protocol.PackagesPolicy;
import io.waldiez.runner.protocol.PackagesRequest;
import io.waldiez.runner.protocol.StreamIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds of flows' environments into the shared cache volume (docs/packages.md): one Job per
 * environment key and namespace, {@code waldiez-env-<key>}, made when a run asks for an environment
 * that is not there. It runs the operator's runner image as the runner user, with only its own
 * directory of the volume writable ({@code subPath}), and ends with the environment's marker; task
 * pods mount the whole volume read-only. The Job belongs to no task (several may wait for it); it is
 * removed after a while once finished, and at once when it failed, so that a later run tries again.
 */
public class PackageBuilds {

    public static final String COMPONENT = "package-build";
    /** Label holding the environment key on build Jobs and their pods. */
    public static final String ENV_KEY = "waldiez.io/env-key";
    private static final Logger log = LoggerFactory.getLogger(PackageBuilds.class);
    private static final int FINISHED_TTL_SECONDS = 600;

    /** Where a build stands for the runs waiting on it. */
    public record Outcome(State state, String reason) {
        public enum State { BUILDING, READY, FAILED }

        static Outcome building() {
            return new Outcome(State.BUILDING, "");
        }
    }

    private final OperatorSettings settings;
    private final MeterRegistry meters;
    /** The last failed build of each namespace/key: runs that asked before it failed get its reason. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private record Failure(String reason, long atMillis) {
    }

    public PackageBuilds(OperatorSettings settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
    }

    public static String jobName(String key) {
        return "waldiez-env-" + key;
    }

    /** The build Job of {@code request} in {@code namespace}: made if missing, and what it says. */
    public Outcome check(String namespace, PackagesRequest request, KubernetesClient client) {
        Optional<String> problem = PackagesKey.problem(request, settings.packages().policy().indexFingerprint());
        if (problem.isPresent()) {
            count("refused");
            return new Outcome(Outcome.State.FAILED, problem.get());
        }
        String name = jobName(request.key());
        Failure failed = failures.get(namespace + "/" + request.key());
        if (failed != null && askedAt(request) <= failed.atMillis()) {
            // its build failed (and its Job is gone); a run that asks later builds again
            return new Outcome(Outcome.State.FAILED, failed.reason());
        }
        Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (job == null) {
            try {
                client.batch().v1().jobs().inNamespace(namespace).resource(desiredBuildJob(namespace, request, settings)).create();
                count("started");
                log.info("building environment {} in {}: {}", request.key(), namespace, request.requirements());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return Outcome.building();
        }
        JobStatus status = job.getStatus();
        if (status != null && status.getSucceeded() != null && status.getSucceeded() > 0) {
            return new Outcome(Outcome.State.READY, "");
        }
        boolean jobFailed = status != null && status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!jobFailed) {
            return Outcome.building();
        }
        String reason = failureReason(namespace, request.key(), client)
                .orElse(status.getConditions().stream().filter(c -> "Failed".equals(c.getType())).findFirst()
                        .map(c -> "the build Job failed (" + c.getReason() + ")").orElse("the build Job failed"));
        count("failed");
        log.warn("environment {} in {} not built: {}", request.key(), namespace, reason);
        failures.put(namespace + "/" + request.key(), new Failure(reason, System.currentTimeMillis()));
        // the next run that asks builds again (a network failure need not last)
        client.batch().v1().jobs().inNamespace(namespace).withName(name)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        return new Outcome(Outcome.State.FAILED, reason);
    }

    /** When the run asked (its entry's id is Redis's clock), 0 when unknown. */
    private static long askedAt(PackagesRequest request) {
        try {
            return StreamIds.parts(request.streamId())[0];
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The builder's own summary: the termination message of its container. */
    private static Optional<String> failureReason(String namespace, String key, KubernetesClient client) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_OPERATOR)
                .withLabel(ENV_KEY, key).list().getItems();
        for (Pod pod : pods) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
                if (cs.getState() != null && cs.getState().getTerminated() != null
                        && cs.getState().getTerminated().getMessage() != null
                        && !cs.getState().getTerminated().getMessage().isBlank()) {
                    return Optional.of(PackagesPolicy.reason(cs.getState().getTerminated().getMessage()));
                }
            }
        }
        return Optional.empty();
    }

    private void count(String outcome) {
        Counter.builder("waldiez.packages.builds").tag("outcome", outcome)
                .description("Environment build Jobs by outcome").register(meters).increment();
    }

    /** The build Job; a pure function so that tests can check every field. */
    public static Job desiredBuildJob(String namespace, PackagesRequest request, OperatorSettings settings) {
        PackagesSettings packages = settings.packages();
        String key = request.key();
        String dir = TaskJobDependent.PACKAGES_MOUNT + "/" + key;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_OPERATOR); // the task NetworkPolicy applies to it too
        labels.put(Labels.COMPONENT, COMPONENT);
        labels.put(ENV_KEY, key);
        List<String> command = new ArrayList<>(List.of("python", "-m", "waldiez_task_runner.packages", "build",
                "--dir", dir, "--key", key, "--base", request.base()));
        request.requirements().forEach(r -> command.addAll(List.of("--requirement", r)));
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("HOME", "/tmp", null));
        packages.policy().builderEnv().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        env.addAll(TaskJobDependent.indexSecretEnv(packages));
        EmptyDirVolumeSource tmp = new EmptyDirVolumeSource();
        return new JobBuilder()
                .withNewMetadata().withName(jobName(key)).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(packages.buildTimeout().toSeconds() + 60)
                .withTtlSecondsAfterFinished(FINISHED_TTL_SECONDS)
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true).withRunAsUser(TaskJobDependent.RUNNER_UID)
                        .withRunAsGroup(TaskJobDependent.RUNNER_UID).withFsGroup(TaskJobDependent.RUNNER_UID)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
                .addNewContainer()
                .withName("build")
                .withImage(settings.defaultImage())
                .withImagePullPolicy("IfNotPresent")
                .withCommand(command)
                .withEnv(env)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                        .withCapabilities(new Capabilities(null, List.of("ALL")))
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
                // only its own environment's directory of the shared volume
                .addNewVolumeMount().withName("packages").withMountPath(dir).withSubPath(key).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("packages").withNewPersistentVolumeClaim(packages.cacheClaim(), false).endVolume()
                .addNewVolume().withName("tmp").withEmptyDir(tmp).endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
