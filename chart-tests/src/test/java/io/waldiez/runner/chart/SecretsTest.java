package io.waldiez.runner.chart;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static io.waldiez.runner.chart.ChartFixture.FULLNAME;
import static io.waldiez.runner.chart.ChartFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

/** Secrets stay in Secrets: generated once and kept, referenced by name, never copied into ConfigMaps or env literals. */
class SecretsTest {

    /** ConfigMap keys that would smell of a secret value. */
    private static final Pattern SECRET_LIKE_KEY =
            Pattern.compile("(?i).*(password|passwd|secret|token|credential|api[_-]?key|private[_-]?key|jwt).*");
    /** Keys that name where a secret is (a Secret's name or key), which is not secret. */
    private static final Pattern SECRET_REFERENCE_KEY = Pattern.compile(".*_SECRET_(NAME|KEY)$");
    private static final Pattern PLAIN_NAME = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");
    /** user:password@ in a URL. */
    private static final Pattern URL_WITH_CREDENTIALS = Pattern.compile("[a-z][a-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@");

    @AfterEach
    void forgetStoredSecrets() {
        FakeKubernetesApi.get().clear();
    }

    static Map<String, String> decoded(Secret secret) {
        Map<String, String> values = new HashMap<>();
        Optional.ofNullable(secret.getData()).orElse(Map.of()).forEach((k, v) ->
                values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        Optional.ofNullable(secret.getStringData()).orElse(Map.of()).forEach(values::put);
        return values;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void noSecretValueAppearsOutsideSecrets(String valueSet) {
        ChartFixture.Rendered rendered = ChartFixture.render(valueSet);
        Set<String> secretValues = new HashSet<>();
        for (Secret secret : rendered.all(Secret.class)) {
            decoded(secret).values().forEach(secretValues::add);
        }
        // The Redis URLs carry the passwords; a password alone must not leak either.
        Set<String> needles = new HashSet<>(secretValues);
        secretValues.forEach(v -> {
            var m = Pattern.compile("://[^:@/]*:([^@/]+)@").matcher(v);
            if (m.find()) {
                needles.add(m.group(1));
            }
        });
        needles.removeIf(v -> v.length() < 8);

        for (HasMetadata object : rendered.objects()) {
            if (object instanceof Secret) {
                continue;
            }
            String json = ChartFixture.SERIALIZATION.asJson(object);
            assertThat(needles).as("secret values inside %s %s", object.getKind(), object.getMetadata().getName())
                    .noneMatch(json::contains);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void configMapsHoldNoSecretLookingSettings(String valueSet) {
        List<ConfigMap> configMaps = ChartFixture.render(valueSet).all(ConfigMap.class);
        assertThat(configMaps).isNotEmpty();

        for (ConfigMap configMap : configMaps) {
            assertThat(configMap.getBinaryData()).isNullOrEmpty();
            configMap.getData().forEach((key, value) -> {
                // A secret-like key may only be a switch or name where a secret is, never hold one.
                if (SECRET_LIKE_KEY.matcher(key).matches() && !value.matches("true|false")) {
                    assertThat(key).as("secret-like key in ConfigMap %s", configMap.getMetadata().getName())
                            .matches(SECRET_REFERENCE_KEY);
                    assertThat(value).as("%s names a Secret or key, nothing more", key).matches(PLAIN_NAME);
                }
                assertThat(value).as("%s in ConfigMap %s", key, configMap.getMetadata().getName())
                        .doesNotContainPattern(URL_WITH_CREDENTIALS);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.waldiez.runner.chart.ChartFixture#VALUE_SETS")
    void credentialsReachContainersOnlyThroughSecretKeyRefs(String valueSet) {
        for (Deployment deployment : ChartFixture.render(valueSet).all(Deployment.class)) {
            for (var container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar env : container.getEnv()) {
                    if (env.getName().matches("(?i).*(PASSWORD|SECRET_KEY|TOKEN|REDIS_URL).*")) {
                        assertThat(env.getValue()).as("%s literal value", env.getName()).isNull();
                        assertThat(env.getValueFrom().getSecretKeyRef()).as("%s secretKeyRef", env.getName()).isNotNull();
                    }
                }
            }
        }
    }

    @Test
    void generatedSecretsAreRandomKeptOnUninstallAndReusedOnUpgrade() {
        ChartFixture.Rendered first = ChartFixture.render("namespaced", Map.of());
        List<String> generated = List.of(FULLNAME + "-auth", FULLNAME + "-postgresql", FULLNAME + "-redis");
        Map<String, Map<String, String>> firstValues = new HashMap<>();
        for (String name : generated) {
            Secret secret = first.one(Secret.class, NAMESPACE, name);
            assertThat(secret.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
            firstValues.put(name, decoded(secret));
        }
        assertThat(firstValues.get(FULLNAME + "-auth").get("jwt-secret-key"))
                .as("HS256 needs at least 256 bits").hasSizeGreaterThanOrEqualTo(32);
        // The first clients-api client: readable with kubectl, in the API server's id format.
        assertThat(firstValues.get(FULLNAME + "-auth").get("clients-api-client-id")).matches("[0-9a-f]{32}");
        assertThat(firstValues.get(FULLNAME + "-auth").get("clients-api-client-secret")).hasSize(64);
        // The API server and the operator each log in to Redis as their own user.
        Map<String, String> redis = firstValues.get(FULLNAME + "-redis");
        String address = "@" + FULLNAME + "-redis." + NAMESPACE + ".svc:6379/0";
        assertThat(redis.get("redis-url")).isEqualTo("redis://api-server:" + redis.get("redis-password") + address);
        assertThat(redis.get("redis-operator-url"))
                .isEqualTo("redis://operator:" + redis.get("redis-operator-password") + address);
        assertThat(redis.get("redis-password")).isNotEqualTo(redis.get("redis-operator-password"));
        // Task namespaces get no copy of any Redis credential: each run gets its own user from the operator.
        for (String ns : List.of("team-a", "team-b")) {
            assertThat(first.all(Secret.class).stream().filter(x -> ns.equals(x.getMetadata().getNamespace()))).isEmpty();
        }

        // A fresh install generates new values...
        ChartFixture.Rendered fresh = ChartFixture.render("namespaced", Map.of());
        assertThat(decoded(fresh.one(Secret.class, NAMESPACE, FULLNAME + "-auth")))
                .isNotEqualTo(firstValues.get(FULLNAME + "-auth"));

        // ...an upgrade (the first release's Secrets are live) keeps them, copies included.
        generated.forEach(name -> FakeKubernetesApi.get().store(first.one(Secret.class, NAMESPACE, name)));
        ChartFixture.Rendered upgrade = ChartFixture.render("namespaced", Map.of());
        for (String name : generated) {
            assertThat(decoded(upgrade.one(Secret.class, NAMESPACE, name))).as(name).isEqualTo(firstValues.get(name));
        }
        assertThat(FakeKubernetesApi.get().requests())
                .contains("GET /api/v1/namespaces/" + NAMESPACE + "/secrets/" + FULLNAME + "-auth");
    }

    @Test
    void aSecretFromAnOlderReleaseWithoutTheKeyIsCompletedNotBroken() {
        FakeKubernetesApi.get().store(new SecretBuilder().withNewMetadata().withName(FULLNAME + "-auth")
                .withNamespace(NAMESPACE).endMetadata().addToData("other", "eA==").build());

        ChartFixture.Rendered rendered = ChartFixture.render("default", Map.of());

        assertThat(decoded(rendered.one(Secret.class, NAMESPACE, FULLNAME + "-auth")).get("jwt-secret-key")).hasSize(64);
    }

    @Test
    void existingSecretsAreReferencedAndNeverRendered() {
        ChartFixture.Rendered rendered = ChartFixture.render("external-services");

        assertThat(rendered.all(Secret.class)).as("no Secret rendered when every credential is provided").isEmpty();
        Deployment api = rendered.one(Deployment.class, FULLNAME + "-api-server");
        Map<String, EnvVar> env = new HashMap<>();
        api.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e));
        assertSecretRef(env.get("SPRING_DATASOURCE_PASSWORD"), "waldiez-db", "db-password");
        assertSecretRef(env.get("WALDIEZ_REDIS_URL"), "waldiez-redis", "url");
        assertSecretRef(env.get("WALDIEZ_AUTH_SECRET_KEY"), "waldiez-jwt", "hs256-key");

        Deployment operator = rendered.one(Deployment.class, FULLNAME + "-operator");
        Map<String, EnvVar> operatorEnv = new HashMap<>();
        operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> operatorEnv.put(e.getName(), e));
        assertSecretRef(operatorEnv.get("WALDIEZ_OPERATOR_REDIS_URL"), "waldiez-redis", "operator-url");
    }

    private static void assertSecretRef(EnvVar env, String name, String key) {
        assertThat(env).isNotNull();
        assertThat(env.getValueFrom().getSecretKeyRef().getName()).as(env.getName()).isEqualTo(name);
        assertThat(env.getValueFrom().getSecretKeyRef().getKey()).as(env.getName()).isEqualTo(key);
    }
}
