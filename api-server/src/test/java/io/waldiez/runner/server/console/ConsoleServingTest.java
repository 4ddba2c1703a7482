package io.waldiez.runner.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import io.waldiez.runner.server.web.HttpProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The web console is served at /ui/ from the console jar, with its caching and security headers. */
class ConsoleServingTest extends ApiServerIntegrationTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void indexIsRevalidatedAndCarriesTheConsolePolicy() throws Exception {
        HttpResponse<String> index = get("/ui/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleHeadersFilter.CSP);
        assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        // script-src 'self' only: every script is a file, none inline.
        assertThat(index.body()).contains("<script type=\"module\"");
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(index.body()).find()).isFalse();
    }

    @Test
    void hashedAssetsAreImmutable() throws Exception {
        Matcher script = Pattern.compile("src=\"(/ui/assets/[^\"]+\\.js)\"").matcher(get("/ui/").body());
        assertThat(script.find()).isTrue();
        HttpResponse<String> asset = get(script.group(1));
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Cache-Control")).hasValueSatisfying(v ->
                assertThat(v).contains("max-age=31536000", "immutable"));
        assertThat(asset.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleHeadersFilter.CSP);
    }

    @Test
    void bareUiRedirectsAndUnknownFilesAre404() throws Exception {
        HttpResponse<String> bare = get("/ui");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValueSatisfying(v -> assertThat(v).endsWith("/ui/"));
        assertThat(get("/ui/assets/nope.js").statusCode()).isEqualTo(404);
    }

    @Test
    void offWithOneSetting() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
                .withUserConfiguration(ConsoleWebConfig.class)
                .withBean(HttpProperties.class, () -> new HttpProperties(false, false))
                .withPropertyValues("waldiez.console.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ConsoleWebConfig.class));
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
                .withUserConfiguration(ConsoleWebConfig.class)
                .withBean(HttpProperties.class, () -> new HttpProperties(false, false))
                .run(ctx -> assertThat(ctx).hasSingleBean(ConsoleWebConfig.class));
    }
}
