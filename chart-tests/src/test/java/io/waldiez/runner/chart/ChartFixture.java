package io.waldiez.runner.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders helm/waldiez-runner with the real Helm engine (helm-java) and parses what it renders into
 * fabric8 model objects. Renders are cached per value set: the chart and its values do not change
 * during a test run, and each render costs a native Helm call.
 */
final class ChartFixture {

    static final String RELEASE = "wr";
    static final String NAMESPACE = "waldiez";
    /** Release name + chart name, as the chart's fullname helper builds it. */
    static final String FULLNAME = RELEASE + "-waldiez-runner";

    /** The realistic value sets under src/test/resources/values/ ("default" = the chart's own values only). */
    static final List<String> VALUE_SETS = List.of(
            "default", "namespaced", "cluster-leader-election", "external-services", "ingress-tls");

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private ChartFixture() {
    }

    static Path repoRoot() {
        String configured = System.getProperty("waldiez.repo.root");
        Path root = configured != null ? Paths.get(configured) : Paths.get("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }

    static Path chartDir() {
        Path chart = repoRoot().resolve("helm/waldiez-runner");
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No chart at " + chart);
        }
        return chart;
    }

    static Path valuesFile(String valueSet) {
        try {
            var url = ChartFixture.class.getResource("/values/" + valueSet + ".yaml");
            return Paths.get(Objects.requireNonNull(url, "no values file " + valueSet).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rendered chart for one named value set, as on a first install (cached). */
    static Rendered render(String valueSet) {
        return CACHE.computeIfAbsent(valueSet, name -> {
            Rendered rendered = render(name, Map.of());
            // Kept for people reading a failure: target/rendered/<value set>.yaml is what was asserted on.
            try {
                Path out = Paths.get("target", "rendered", name + ".yaml");
                Files.createDirectories(out.getParent());
                Files.writeString(out, rendered.manifest());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return rendered;
        });
    }

    /** Renders with a value set plus --set overrides; throws what Helm throws (schema errors included). */
    static Rendered render(String valueSet, Map<String, String> sets) {
        FakeKubernetesApi.get();
        TemplateCommand template = new Helm(chartDir()).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE);
        if (!"default".equals(valueSet)) {
            template = template.withValuesFile(valuesFile(valueSet));
        }
        for (Map.Entry<String, String> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        String manifest = template.call();
        return new Rendered(manifest, parse(manifest));
    }

    static List<HasMetadata> parse(String manifest) {
        List<HasMetadata> objects = new ArrayList<>();
        // Documents one by one: Helm separates them with "---" and prefixes "# Source:" comments.
        for (String document : manifest.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (parsed instanceof Collection<?> many) {
                many.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).forEach(objects::add);
            } else if (parsed instanceof HasMetadata one) {
                objects.add(one);
            } else {
                throw new IllegalStateException("Not a Kubernetes object: " + document);
            }
        }
        return objects;
    }

    /** Parsed output of one render. */
    record Rendered(String manifest, List<HasMetadata> objects) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> found = all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
            if (found.size() != 1) {
                throw new AssertionError("Expected exactly one " + type.getSimpleName() + " named " + name
                        + " but found " + found.size() + "; rendered: " + summary());
            }
            return found.get(0);
        }

        <T extends HasMetadata> T one(Class<T> type, String namespace, String name) {
            List<T> found = all(type).stream()
                    .filter(o -> name.equals(o.getMetadata().getName()))
                    .filter(o -> namespace.equals(o.getMetadata().getNamespace()))
                    .toList();
            if (found.size() != 1) {
                throw new AssertionError("Expected exactly one " + type.getSimpleName() + " " + namespace + "/" + name
                        + " but found " + found.size() + "; rendered: " + summary());
            }
            return found.get(0);
        }

        Map<String, String> summary() {
            Map<String, String> kinds = new LinkedHashMap<>();
            objects.forEach(o -> kinds.merge(o.getKind(), o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(),
                    (a, b) -> a + ", " + b));
            return kinds;
        }
    }
}
