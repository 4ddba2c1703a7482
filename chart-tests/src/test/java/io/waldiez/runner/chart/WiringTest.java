package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static io.waldiez.runner.chart.ChartFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

/** Every name one rendered object uses to find another resolves, so a renamed key cannot break an install silently. */
class WiringTest {

    /** Secrets the value sets say exist beforehand (existingSecret values), by name. */
    static final Set<String> PROVIDED_SECRETS = Set.of("waldiez-db", "waldiez-redis", "waldiez-jwt");

    record Pod(String owner, String namespace, PodTemplateSpec template) {
    }

    static List<Pod> pods(ChartFixture.Rendered rendered) {
        List<Pod> pods = new ArrayList<>();
        for (Deployment d : rendered.all(Deployment.class)) {
            pods.add(new Pod("Deployment " + d.getMetadata().getName(), d.getMetadata().getNamespace(), d.getSpec().getTemplate()));
        }
        for (StatefulSet s : rendered.all(StatefulSet.class)) {
            pods.add(new Pod("StatefulSet " + s.getMetadata().getName(), s.getMetadata().getNamespace(), s.getSpec().getTemplate()));
        }
        return pods;
    }

    static Optional<Secret> secret(ChartFixture.Rendered rendered, String namespace, String name) {
        return rendered.all(Secret.class).stream()
                .filter(s -> s.getMetadata().getNamespace().equals(namespace) && s.getMetadata().getName().equals(name))
                .findFirst();
    }

    static boolean hasKey(Secret secret, String key) {
        return Optional.ofNullable(secret.getData()).orElse(Map.of()).containsKey(key)
                || Optional.ofNullable(secret.getStringData()).orElse(Map.of()).containsKey(key);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void secretConfigMapAndServiceAccountReferencesResolve(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);

        for (Pod pod : pods(rendered)) {
            String sa = pod.template().getSpec().getServiceAccountName();
            if (sa != null) {
                rendered.one(ServiceAccount.class, pod.namespace(), sa);
            }
            for (Container c : pod.template().getSpec().getContainers()) {
                for (EnvVar env : c.getEnv()) {
                    if (env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null) {
                        continue;
                    }
                    var ref = env.getValueFrom().getSecretKeyRef();
                    Optional<Secret> target = secret(rendered, pod.namespace(), ref.getName());
                    if (target.isPresent()) {
                        assertThat(hasKey(target.get(), ref.getKey()))
                                .as("%s env %s: Secret %s has key %s", pod.owner(), env.getName(), ref.getName(), ref.getKey())
                                .isTrue();
                    } else {
                        assertThat(PROVIDED_SECRETS).as("%s env %s: Secret %s is rendered or provided", pod.owner(),
                                env.getName(), ref.getName()).contains(ref.getName());
                    }
                }
                for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
                    if (from.getConfigMapRef() != null) {
                        rendered.one(ConfigMap.class, pod.namespace(), from.getConfigMapRef().getName());
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void theOperatorLogsInToRedisAsItsOwnUserAndTaskNamespacesGetNoRedisCredentials(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);
        EnvVar operatorUrl = rendered.one(Deployment.class, FULLNAME + "-operator").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("WALDIEZ_OPERATOR_REDIS_URL"))
                .findFirst().orElseThrow();
        String name = operatorUrl.getValueFrom().getSecretKeyRef().getName();
        String key = operatorUrl.getValueFrom().getSecretKeyRef().getKey();
        Optional<Secret> source = secret(rendered, NAMESPACE, name);
        if (PROVIDED_SECRETS.contains(name)) {
            assertThat(source).as("a provided Secret is never rendered").isEmpty();
        } else {
            assertThat(source).as("Secret %s", name).isPresent();
            assertThat(hasKey(source.get(), key)).as("Secret %s has key %s", name, key).isTrue();
        }
        // Each run gets its own Redis user and Secret from the operator; the chart copies none into task namespaces.
        List<String> taskNamespaces = ValueSetsTest.taskPolicies(rendered).stream()
                .map(p -> p.getMetadata().getNamespace()).filter(ns -> !ns.equals(NAMESPACE)).toList();
        for (String ns : taskNamespaces) {
            assertThat(rendered.all(Secret.class)).noneMatch(x -> ns.equals(x.getMetadata().getNamespace()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void servicesSelectTheirPodsAndTargetNamedPorts(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);

        for (Service service : rendered.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            List<Pod> selected = pods(rendered).stream()
                    .filter(p -> p.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertThat(selected).as("pods behind Service %s", service.getMetadata().getName()).hasSize(1);
            Set<String> portNames = new java.util.HashSet<>();
            selected.get(0).template().getSpec().getContainers()
                    .forEach(c -> c.getPorts().forEach(p -> portNames.add(p.getName())));
            service.getSpec().getPorts().forEach(p ->
                    assertThat(portNames).as("Service %s targetPort", service.getMetadata().getName())
                            .contains(p.getTargetPort().getStrVal()));
        }
        // Every object carries the release label: docs/operations.md deletes leftovers (PVCs) by it.
        for (HasMetadata object : rendered.objects()) {
            assertThat(object.getMetadata().getLabels())
                    .as("%s %s labels", object.getKind(), object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/instance", ChartFixture.RELEASE);
        }
    }
}
