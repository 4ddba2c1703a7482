package io.waldiez.runner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The real one-node cluster that cluster-tests/run.sh started (the JVM runs inside its network
 * namespace): kubeconfigs, the kubectl binary, the images it imported, the repository.
 */
final class Cluster {

    static final Path STATE = Path.of(required("waldiez.cluster.state"));
    static final Path BIN = Path.of(required("waldiez.cluster.bin"));
    static final Path ADMIN = STATE.resolve("pki/admin.kubeconfig");
    /** A user the API server knows, bound to no role. */
    static final Path NOBODY = STATE.resolve("pki/nobody.kubeconfig");
    /** The node's address: on the node's loopback, reachable from pods (through the bridge) and this JVM. */
    static final String NODE_IP = required("waldiez.cluster.node-ip");
    static final Path REPO = Path.of(System.getProperty("waldiez.repo.root", "..")).toAbsolutePath().normalize();
    static final Properties IMAGES = load(STATE.resolve("images.properties"));
    private static KubernetesClient admin;

    private Cluster() {
    }

    static synchronized KubernetesClient client() {
        if (admin == null) {
            try {
                admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(ADMIN))).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return admin;
    }

    /** "repository:tag" of an image the tier built, e.g. image("runner"). */
    static String image(String name) {
        return IMAGES.getProperty(name);
    }

    record Run(int exit, String out, String err) {
        Run ok() {
            assertThat(exit).as("exit of kubectl; stderr: %s; stdout: %s", err, out).isZero();
            return this;
        }
    }

    static Run kubectl(String... args) {
        return kubectlAs(ADMIN, null, args);
    }

    /** kubectl as the user of {@code kubeconfig}, with {@code stdin} (or none). */
    static Run kubectlAs(Path kubeconfig, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(BIN.resolve("kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            InputStream out = p.getInputStream();
            InputStream err = p.getErrorStream();
            String o = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            String e = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl timed out: " + cmd);
            }
            return new Run(p.exitValue(), o, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            throw new IllegalStateException(property + " is not set: run the tier with cluster-tests/run.sh");
        }
        return v;
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
