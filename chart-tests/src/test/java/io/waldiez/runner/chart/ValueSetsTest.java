package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.waldiez.runner.crd.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static io.waldiez.runner.chart.ChartFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

/** What each realistic value set must produce, read from the parsed objects. */
class ValueSetsTest {

    /** Image tags default to the chart's appVersion. */
    static final String APP_VERSION = appVersion();

    private static String appVersion() {
        try {
            Map<?, ?> chart = ChartFixture.SERIALIZATION.unmarshal(
                    java.nio.file.Files.readString(ChartFixture.chartDir().resolve("Chart.yaml")), Map.class);
            return String.valueOf(chart.get("appVersion"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The task pods' NetworkPolicies (the datastores have their own). */
    static List<NetworkPolicy> taskPolicies(ChartFixture.Rendered rendered) {
        return rendered.all(NetworkPolicy.class).stream()
                .filter(p -> "task-network".equals(p.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .toList();
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void defaultsGiveAQuickStartWithInChartDatabaseAndRedis() {
        ChartFixture.Rendered rendered = ChartFixture.render("default");

        Deployment operator = rendered.one(Deployment.class, FULLNAME + "-operator");
        assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
        assertThat(operator.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(container(operator).getImage()).isEqualTo("waldiez/k8s-runner-operator:" + APP_VERSION);

        Deployment api = rendered.one(Deployment.class, FULLNAME + "-api-server");
        assertThat(container(api).getImage()).isEqualTo("waldiez/k8s-runner-api-server:" + APP_VERSION);
        assertThat(container(api).getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8000);
        assertThat(container(api).getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(container(api).getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(container(operator).getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(container(operator).getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");

        assertThat(rendered.all(StatefulSet.class)).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder(FULLNAME + "-postgresql", FULLNAME + "-redis");
        assertThat(rendered.one(Service.class, FULLNAME + "-api-server").getSpec().getPorts().get(0).getPort()).isEqualTo(8000);
        assertThat(rendered.all(Ingress.class)).isEmpty();

        Map<String, String> api_settings = rendered.one(ConfigMap.class, FULLNAME + "-api-server").getData();
        assertThat(api_settings)
                .containsEntry("WALDIEZ_LAUNCHER_MODE", "kubernetes")
                .containsEntry("SPRING_DATASOURCE_URL",
                        "jdbc:postgresql://" + FULLNAME + "-postgresql." + NAMESPACE + ".svc:5432/waldiez")
                .containsEntry("SPRING_DATASOURCE_USERNAME", "waldiez")
                // The chart always gives the database, Redis and JWT key: nothing embedded or pod-local.
                .containsEntry("WALDIEZ_EMBEDDED_POSTGRES_ENABLED", "false")
                .containsEntry("WALDIEZ_EMBEDDED_REDIS_ENABLED", "false")
                .containsEntry("WALDIEZ_AUTH_REQUIRE_SECRET_KEY", "true");
        Map<String, String> operatorSettings = rendered.one(ConfigMap.class, FULLNAME + "-operator").getData();
        assertThat(operatorSettings)
                .containsEntry("WALDIEZ_OPERATOR_DEFAULT_IMAGE", "waldiez/k8s-runner-task:" + APP_VERSION)
                // Unset means every namespace (an empty string could bind as one namespace named "").
                .doesNotContainKey("WALDIEZ_OPERATOR_WATCH_NAMESPACES")
                .containsEntry("WALDIEZ_OPERATOR_LEADER_ELECTION_ENABLED", "false")
                // task pods get the Redis address from the operator's URL, without its credentials
                .doesNotContainKey("WALDIEZ_OPERATOR_REDIS_SECRET_NAME");
    }

    @Test
    void settingsChangesRollThePods() {
        String before = ChartFixture.render("default").one(Deployment.class, FULLNAME + "-api-server")
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
        String after = ChartFixture.render("default", Map.of("apiServer.logLevel", "DEBUG"))
                .one(Deployment.class, FULLNAME + "-api-server")
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");

        assertThat(before).isNotBlank().isNotEqualTo(after);
    }

    @Test
    void namespacedInstallPreparesEachWatchedNamespace() {
        ChartFixture.Rendered rendered = ChartFixture.render("namespaced");

        assertThat(rendered.one(ConfigMap.class, FULLNAME + "-operator").getData())
                .containsEntry("WALDIEZ_OPERATOR_WATCH_NAMESPACES", "team-a,team-b");
        assertThat(rendered.one(ConfigMap.class, FULLNAME + "-api-server").getData())
                .containsEntry("WALDIEZ_LAUNCHER_KUBERNETES_NAMESPACE", "team-a")
                .containsEntry("WALDIEZ_CORS_ALLOWED_ORIGINS", "https://studio.example.com");
        for (String ns : List.of("team-a", "team-b")) {
            rendered.one(Role.class, ns, FULLNAME + "-operator");
            rendered.one(NetworkPolicy.class, ns, FULLNAME + "-tasks");
        }
        // The release namespace runs the servers, not tasks.
        assertThat(taskPolicies(rendered)).noneMatch(p -> p.getMetadata().getNamespace().equals(NAMESPACE));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void taskPodsMayOnlyReachDnsRedisAndModelEndpoints(String valueSet) {
        List<NetworkPolicy> policies = taskPolicies(ChartFixture.render(valueSet));
        assertThat(policies).isNotEmpty();

        for (NetworkPolicy policy : policies) {
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .containsExactly(Map.entry(Labels.MANAGED_BY, Labels.MANAGED_BY_OPERATOR));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).as("no ingress to task pods").isEmpty();

            List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
            NetworkPolicyEgressRule dns = egress.get(0);
            assertThat(dns.getTo()).singleElement().satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "kube-system"));
            assertThat(dns.getPorts()).extracting(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
                    .containsExactlyInAnyOrder("53/UDP", "53/TCP");
            // Every other rule is narrowed to ports, and no rule is an allow-all.
            assertThat(egress).allSatisfy(rule -> {
                assertThat(rule.getPorts()).isNotEmpty();
                assertThat(rule.getTo()).isNotEmpty();
            });
        }
    }

    @Test
    void defaultModelEndpointsAreHttpsOutsideTheClusterAndTheMetadataService() {
        NetworkPolicy policy = ChartFixture.render("default").one(NetworkPolicy.class, NAMESPACE, FULLNAME + "-tasks");

        NetworkPolicyEgressRule redis = policy.getSpec().getEgress().get(1);
        NetworkPolicyPeer redisPeer = redis.getTo().get(0);
        assertThat(redisPeer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "redis");
        assertThat(redis.getPorts().get(0).getPort().getIntVal()).isEqualTo(6379);

        NetworkPolicyEgressRule models = policy.getSpec().getEgress().get(2);
        assertThat(models.getTo().get(0).getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
        assertThat(models.getTo().get(0).getIpBlock().getExcept()).contains("10.0.0.0/8", "169.254.0.0/16");
        assertThat(models.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(443);
    }

    @Test
    void inChartDatastoresAcceptOnlyTheirClients() {
        ChartFixture.Rendered rendered = ChartFixture.render("default");

        NetworkPolicy postgres = rendered.one(NetworkPolicy.class, NAMESPACE, FULLNAME + "-postgresql");
        assertThat(postgres.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "postgresql");
        assertThat(postgres.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector()).isNull();
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "api-server");
            });
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(5432);
        });

        NetworkPolicy redis = rendered.one(NetworkPolicy.class, NAMESPACE, FULLNAME + "-redis");
        assertThat(redis.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).extracting(peer -> peer.getPodSelector().getMatchLabels().values().stream()
                            .filter(v -> List.of("api-server", "operator", Labels.MANAGED_BY_OPERATOR).contains(v)).findFirst().orElse("?"))
                    .containsExactlyInAnyOrder("api-server", "operator", Labels.MANAGED_BY_OPERATOR);
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(6379);
        });

        // Namespaced: task pods reach Redis only from the prepared task namespaces.
        NetworkPolicy namespaced = ChartFixture.render("namespaced").one(NetworkPolicy.class, NAMESPACE, FULLNAME + "-redis");
        assertThat(namespaced.getSpec().getIngress().get(0).getFrom())
                .filteredOn(peer -> peer.getNamespaceSelector() != null)
                .extracting(peer -> peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))
                .containsExactlyInAnyOrder("team-a", "team-b");
        // External services: no datastore policies at all.
        assertThat(ChartFixture.render("external-services").all(NetworkPolicy.class))
                .extracting(p -> p.getMetadata().getName()).containsExactly(FULLNAME + "-tasks");
    }

    @Test
    void clusterWideWithLeaderElectionRunsSeveralOperators() {
        ChartFixture.Rendered rendered = ChartFixture.render("cluster-leader-election");

        Deployment operator = rendered.one(Deployment.class, FULLNAME + "-operator");
        assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
        assertThat(operator.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(rendered.one(ConfigMap.class, FULLNAME + "-operator").getData())
                .containsEntry("WALDIEZ_OPERATOR_LEADER_ELECTION_ENABLED", "true")
                .containsEntry("WALDIEZ_OPERATOR_LEADER_ELECTION_LEASE_NAME", "waldiez-operator")
                .containsEntry("WALDIEZ_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", NAMESPACE);
        assertThat(container(operator).getResources().getLimits().get("memory").toString()).isEqualTo("768Mi");
        assertThat(rendered.one(Deployment.class, FULLNAME + "-api-server").getSpec().getReplicas()).isEqualTo(2);

        List<GenericKubernetesResource> monitors = rendered.all(GenericKubernetesResource.class).stream()
                .filter(r -> "ServiceMonitor".equals(r.getKind())).toList();
        assertThat(monitors).hasSize(2);
        // Each ServiceMonitor selects a Service that exists and exposes the named port.
        for (GenericKubernetesResource monitor : monitors) {
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
            Map<String, Object> spec = map(monitor.getAdditionalProperties().get("spec"));
            Map<String, Object> selector = map(map(spec.get("selector")).get("matchLabels"));
            List<?> endpoints = (List<?>) spec.get("endpoints");
            assertThat(endpoints).hasSize(1);
            Map<String, Object> endpoint = map(endpoints.get(0));
            assertThat(endpoint).containsEntry("path", "/actuator/prometheus");
            assertThat(rendered.all(Service.class))
                    .filteredOn(svc -> svc.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .singleElement()
                    .satisfies(svc -> assertThat(svc.getSpec().getPorts()).extracting(p -> p.getName())
                            .contains((String) endpoint.get("port")));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @Test
    void externalServicesReplaceTheInChartOnes() {
        ChartFixture.Rendered rendered = ChartFixture.render("external-services");

        assertThat(rendered.all(StatefulSet.class)).isEmpty();
        assertThat(rendered.one(ConfigMap.class, FULLNAME + "-api-server").getData())
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://pg.db.svc.cluster.local:5432/waldiez?sslmode=require")
                .containsEntry("SPRING_DATASOURCE_USERNAME", "waldiez_app");
        Deployment api = rendered.one(Deployment.class, FULLNAME + "-api-server");
        assertThat(container(api).getImage()).isEqualTo("registry.example.com/mirror/waldiez/k8s-runner-api-server:" + APP_VERSION);
        assertThat(api.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(r -> r.getName())
                .containsExactly("mirror-pull");
        assertThat(rendered.one(ConfigMap.class, FULLNAME + "-operator").getData())
                .containsEntry("WALDIEZ_OPERATOR_DEFAULT_IMAGE", "registry.example.com/mirror/waldiez/k8s-runner-task:" + APP_VERSION);

        NetworkPolicy policy = rendered.one(NetworkPolicy.class, NAMESPACE, FULLNAME + "-tasks");
        assertThat(policy.getSpec().getEgress())
                .filteredOn(rule -> rule.getTo().get(0).getIpBlock() != null)
                .anySatisfy(rule -> {
            assertThat(rule.getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.40.0.10/32");
            assertThat(rule.getPorts().get(0).getPort().getIntVal()).isEqualTo(6380);
        });
        assertThat(policy.getSpec().getEgress()).noneMatch(rule -> rule.getTo().stream()
                .map(NetworkPolicyPeer::getPodSelector).filter(Objects::nonNull)
                .anyMatch(s -> "redis".equals(s.getMatchLabels().get("app.kubernetes.io/component"))));
    }

    @Test
    void ingressWithTlsRoutesToTheApiServer() {
        ChartFixture.Rendered rendered = ChartFixture.render("ingress-tls");

        Ingress ingress = rendered.one(Ingress.class, FULLNAME + "-api-server");
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getMetadata().getAnnotations()).containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getSecretName()).isEqualTo("waldiez-tls");
            assertThat(tls.getHosts()).containsExactly("waldiez.example.com");
        });
        var rule = ingress.getSpec().getRules().get(0);
        assertThat(rule.getHost()).isEqualTo("waldiez.example.com");
        var backend = rule.getHttp().getPaths().get(0).getBackend().getService();
        assertThat(backend.getName()).isEqualTo(FULLNAME + "-api-server");
        Service service = rendered.one(Service.class, backend.getName());
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName()).contains(backend.getPort().getName());
    }
}
