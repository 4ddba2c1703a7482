package io.waldiez.runner.server.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code waldiez.cors.*}: browser origins allowed to call the API with credentials (the original's
 * TRUSTED_ORIGINS / TRUSTED_ORIGIN_REGEX; patterns use Spring's {@code *} wildcard syntax).
 */
@ConfigurationProperties("waldiez.cors")
public record CorsProperties(
        @DefaultValue("http://localhost:3000") List<String> allowedOrigins,
        @DefaultValue List<String> allowedOriginPatterns) {}
