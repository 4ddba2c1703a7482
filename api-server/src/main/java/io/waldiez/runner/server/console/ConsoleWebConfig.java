package io.waldiez.runner.server.console;

import io.waldiez.runner.server.web.HttpProperties;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the web console (module {@code console/}, built at {@code mvn package} into
 * {@code classpath:/waldiez-console/}) at {@code /ui/}, same origin as the API, so no CORS setting
 * is needed. Vite's content-hashed files under {@code assets/} are cached for a year as immutable;
 * {@code index.html} is revalidated on every load, so a new server version is picked up at once.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "waldiez.console.enabled", havingValue = "true", matchIfMissing = true)
public class ConsoleWebConfig implements WebMvcConfigurer {

    static final String LOCATION = "classpath:/waldiez-console/";

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/ui/assets/**")
                .addResourceLocations(LOCATION + "assets/")
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
                .resourceChain(true);
        registry.addResourceHandler("/ui/**")
                .addResourceLocations(LOCATION)
                .setCacheControl(CacheControl.noCache())
                .resourceChain(true);
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ui", "/ui/");
        registry.addViewController("/ui/").setViewName("forward:/ui/index.html");
    }

    /** The console's own, stricter Content-Security-Policy on everything under /ui. */
    @Bean
    FilterRegistrationBean<ConsoleHeadersFilter> consoleHeadersFilter(HttpProperties http) {
        FilterRegistrationBean<ConsoleHeadersFilter> registration = new FilterRegistrationBean<>(new ConsoleHeadersFilter(http));
        registration.addUrlPatterns("/ui", "/ui/*");
        // After SecurityHeadersFilter (HIGHEST_PRECEDENCE + 10), whose general CSP this one replaces.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
