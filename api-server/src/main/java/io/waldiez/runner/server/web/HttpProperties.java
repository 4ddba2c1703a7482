package io.waldiez.runner.server.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code waldiez.http.*}.
 *
 * @param dev development mode: no Content-Security-Policy header (as the original's DEV)
 * @param forceSsl send Strict-Transport-Security (as the original's FORCE_SSL)
 */
@ConfigurationProperties("waldiez.http")
public record HttpProperties(@DefaultValue("false") boolean dev, @DefaultValue("false") boolean forceSsl) {}
