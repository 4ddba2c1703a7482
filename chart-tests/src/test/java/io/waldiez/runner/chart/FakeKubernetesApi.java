package io.waldiez.runner.chart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smallest Kubernetes API that answers Helm's {@code lookup "v1" "Secret"}: discovery of
 * {@code /api/v1} and GET of one Secret (404 unless a test stored it). Lets the tests render the
 * chart as on a first install (nothing stored) and as on an upgrade (the Secrets of the previous
 * release stored), which is exactly what the chart's generated-once secrets depend on.
 */
final class FakeKubernetesApi {

    private static final Pattern SECRET_PATH = Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$");
    private static final FakeKubernetesApi INSTANCE = new FakeKubernetesApi();

    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private FakeKubernetesApi() {
    }

    /** Started on first use; its kubeconfig is written where surefire's KUBECONFIG points. */
    static synchronized FakeKubernetesApi get() {
        if (INSTANCE.server == null) {
            INSTANCE.start();
        }
        return INSTANCE;
    }

    void store(Secret secret) {
        secrets.put(secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(), secret);
    }

    void clear() {
        secrets.clear();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private void start() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null || kubeconfig.isBlank() || kubeconfig.equals("/dev/null")) {
            throw new IllegalStateException("KUBECONFIG must name a file for the fake API (set by the surefire configuration)");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(null);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Path file = Path.of(kubeconfig);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: fake
                        cluster: {server: "%s"}
                    users:
                      - name: fake
                        user: {token: fake}
                    contexts:
                      - name: fake
                        context: {cluster: fake, user: fake}
                    current-context: fake
                    """.formatted(url));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        Matcher secret = SECRET_PATH.matcher(path);
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, status(405, "MethodNotAllowed", "the fake API is read-only"));
        } else if (path.equals("/api")) {
            respond(exchange, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
        } else if (path.equals("/apis")) {
            respond(exchange, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
        } else if (path.equals("/api/v1")) {
            respond(exchange, 200, """
                    {"kind":"APIResourceList","groupVersion":"v1","resources":[
                      {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",
                       "verbs":["get","list"]}]}""");
        } else if (secret.matches()) {
            Secret found = secrets.get(secret.group(1) + "/" + secret.group(2));
            if (found == null) {
                respond(exchange, 404, status(404, "NotFound", "secrets \\\"" + secret.group(2) + "\\\" not found"));
            } else {
                respond(exchange, 200, ChartFixture.SERIALIZATION.asJson(found));
            }
        } else {
            respond(exchange, 404, status(404, "NotFound", "the fake API does not serve " + path));
        }
    }

    private static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":%d,\"reason\":\"%s\",\"message\":\"%s\"}"
                .formatted(code, reason, message);
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
