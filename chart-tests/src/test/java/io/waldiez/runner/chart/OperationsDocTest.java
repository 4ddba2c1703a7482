package io.waldiez.runner.chart;

import io.waldiez.runner.crd.rbac.KubernetesPermissions;
import io.waldiez.runner.crd.rbac.PolicyRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/operations.md documents every value of the chart, and nothing that no longer exists. */
class OperationsDocTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z0-9_.]+)` \\|", Pattern.MULTILINE);

    @Test
    void everyValueHasARowInTheConfigureTable() throws IOException {
        String doc = Files.readString(ChartFixture.repoRoot().resolve("docs/operations.md"));
        String configure = doc.substring(doc.indexOf("## Configure"), doc.indexOf("### Secrets"));
        Set<String> documented = new LinkedHashSet<>();
        Matcher row = ROW.matcher(configure);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Map<String, Object> values = ChartFixture.SERIALIZATION.unmarshal(
                Files.readString(ChartFixture.chartDir().resolve("values.yaml")), Map.class);

        List<String> undocumented = new ArrayList<>();
        collectUndocumented("", values, documented, undocumented);
        assertThat(undocumented).as("values without a row in docs/operations.md").isEmpty();

        assertThat(documented).as("rows of the Configure table").isNotEmpty()
                .allSatisfy(path -> assertThat(hasKey(values, path)).as("documented value %s exists in values.yaml", path).isTrue());
    }

    @Test
    void theRbacTableForManualBindingsMatchesKubernetesPermissions() throws IOException {
        String doc = Files.readString(ChartFixture.repoRoot().resolve("docs/operations.md"));
        String rbac = doc.substring(doc.indexOf("### RBAC"), doc.indexOf("### Pod security"));

        assertThat(documentedPermissions(rbac, "| operator | every watched namespace"))
                .isEqualTo(permissions(KubernetesPermissions.OPERATOR));
        assertThat(documentedPermissions(rbac, "| operator, leader election on |"))
                .isEqualTo(permissions(KubernetesPermissions.OPERATOR_LEADER_ELECTION));
        assertThat(documentedPermissions(rbac, "| API server | `apiServer.taskNamespace`"))
                .isEqualTo(permissions(KubernetesPermissions.API_SERVER));
    }

    /** "resource:verb" pairs of one table row written as "`group/resource`: verb, verb; ...". */
    private static Set<String> documentedPermissions(String table, String rowStart) {
        String row = table.lines().filter(l -> l.startsWith(rowStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no RBAC row " + rowStart));
        String cell = row.substring(row.lastIndexOf('|', row.length() - 2) + 1, row.length() - 1).trim();
        Set<String> out = new TreeSet<>();
        for (String part : cell.split(";")) {
            String[] resourceAndVerbs = part.split(":");
            String resource = resourceAndVerbs[0].trim().replace("`", "");
            // Groups are written only where the resource name alone is ambiguous.
            resource = resource.replaceFirst("^(events\\.k8s\\.io|coordination\\.k8s\\.io)/", "");
            for (String verb : resourceAndVerbs[1].split(",")) {
                out.add(resource + ":" + verb.trim());
            }
        }
        return out;
    }

    private static Set<String> permissions(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        rules.forEach(r -> r.resources().forEach(res -> r.verbs().forEach(v -> out.add(res + ":" + v))));
        return out;
    }

    private static boolean hasKey(Map<String, Object> values, String path) {
        Object node = values;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return false;
            }
            node = map.get(part);
        }
        return true;
    }

    private static void collectUndocumented(String prefix, Map<?, ?> node, Set<String> documented, List<String> out) {
        node.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key.toString() : prefix + "." + key;
            if (documented.contains(path)) {
                return;
            }
            if (value instanceof Map<?, ?> child && !child.isEmpty()) {
                collectUndocumented(path, child, documented, out);
            } else {
                out.add(path);
            }
        });
    }
}
