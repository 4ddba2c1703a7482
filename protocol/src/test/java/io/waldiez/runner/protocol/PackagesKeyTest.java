package io.waldiez.runner.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key and the canonical form agree with the Python runner's (the same vectors are checked there). */
class PackagesKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProtocolCodec codec = new ProtocolCodec();

    private static JsonNode vectors() throws Exception {
        try (InputStream in = PackagesKeyTest.class.getResourceAsStream("packages-vectors.json")) {
            return JSON.readTree(in);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void keysAreTheRunnersKeys() throws Exception {
        for (JsonNode v : vectors().get("keys")) {
            List<String> reqs = strings(v.get("requirements"));
            assertThat(PackagesKey.of(v.get("base").asText(), v.get("index").asText(), reqs))
                    .isEqualTo(v.get("key").asText());
            List<String> reversed = new ArrayList<>(reqs);
            java.util.Collections.reverse(reversed);
            assertThat(PackagesKey.of(v.get("base").asText(), v.get("index").asText(), reversed))
                    .isEqualTo(v.get("key").asText());
        }
    }

    @Test
    void onlyTheCanonicalFormPasses() throws Exception {
        JsonNode canonical = vectors().get("canonical");
        assertThat(strings(canonical.get("valid"))).allMatch(PackagesKey::isCanonical);
        assertThat(strings(canonical.get("invalid"))).noneMatch(PackagesKey::isCanonical);
    }

    @Test
    void aRequestWhoseKeyIsNotItsContentsIsRefused() throws Exception {
        JsonNode v = vectors().get("keys").get(1);
        List<String> reqs = strings(v.get("requirements"));
        String base = v.get("base").asText();
        String index = v.get("index").asText();
        PackagesRequest good = new PackagesRequest("1-0", "t", PackagesRequest.State.NEEDED, v.get("key").asText(), base, reqs);
        assertThat(PackagesKey.problem(good, index)).isEmpty();
        // another set under this key would poison every flow that needs this one
        PackagesRequest poisoned = new PackagesRequest("1-0", "t", PackagesRequest.State.NEEDED, v.get("key").asText(),
                base, List.of("evil-package"));
        assertThat(PackagesKey.problem(poisoned, index)).contains("the environment key does not match its requirements");
        assertThat(PackagesKey.problem(good, index + "x")).isPresent();
        PackagesRequest injected = new PackagesRequest("1-0", "t", PackagesRequest.State.NEEDED, v.get("key").asText(),
                base, List.of("pkg --index-url=http://127.0.0.1:9"));
        assertThat(PackagesKey.problem(injected, index)).contains("the requirements are not in canonical form");
    }

    @Test
    void theIndexFingerprintIgnoresCredentials() {
        assertThat(PackagesKey.indexFingerprint("", List.of(), false)).isEmpty();
        String plain = PackagesKey.indexFingerprint("https://mirror.example/simple", List.of(), false);
        assertThat(PackagesKey.indexFingerprint("https://user:s3cret@mirror.example/simple", List.of(), false))
                .isEqualTo(plain).hasSize(16);
        assertThat(PackagesKey.indexFingerprint("https://mirror.example/simple", List.of(), true)).isNotEqualTo(plain);
        assertThat(PackagesKey.withoutUserInfo("https://u:p@h:8443/simple/")).isEqualTo("https://h:8443/simple/");
    }

    @Test
    void aFailureReasonIsOneBoundedLineWithoutCredentials() {
        assertThat(PackagesPolicy.reason("ERROR: Could not fetch\n  https://user:s3cret@mirror.example/simple/x/"))
                .isEqualTo("ERROR: Could not fetch https://***@mirror.example/simple/x/");
        assertThat(PackagesPolicy.reason("x".repeat(1000))).hasSize(600).endsWith("…");
    }

    @Test
    void packagesEntriesDecodeOnlyForTheirOwnTask() {
        Map<String, String> fields = Map.of("kind", "packages", "task_id", "t1", "state", "needed",
                "key", "563899ad73517938a1f174ad169015d3", "base", "0".repeat(64), "requirements", "[\"tabulate\"]");
        PackagesRequest r = codec.decodeOwnPackages("t1", "5-0", fields).orElseThrow();
        assertThat(r.state()).isEqualTo(PackagesRequest.State.NEEDED);
        assertThat(r.requirements()).containsExactly("tabulate");
        assertThat(PackagesKey.problem(r, "")).isEmpty();
        assertThat(codec.decodeOwnPackages("t2", "5-0", fields)).isEmpty();
        assertThat(codec.decodeOwnPackages("t1", "5-0", Map.of("kind", "packages", "task_id", "t1", "state", "needed",
                "key", "../../etc", "requirements", "[]"))).isEmpty();
        assertThat(codec.decodeOwnPackages("t1", "5-0", Map.of("kind", "packages", "task_id", "t1", "state", "later",
                "key", "563899ad73517938a1f174ad169015d3", "requirements", "[]"))).isEmpty();
        assertThat(codec.decodeOwnPackages("t1", "5-0", Map.of("kind", "packages", "task_id", "t1", "state", "needed",
                "key", "563899ad73517938a1f174ad169015d3", "requirements", "[1]"))).isEmpty();
    }
}
