package io.waldiez.runner.server.console;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code waldiez.console.*}.
 *
 * @param enabled serve the web console at {@code /ui/} (its files come from the waldiez-console jar);
 *     off: {@code /ui/} answers 404 like any unknown route
 */
@ConfigurationProperties("waldiez.console")
public record ConsoleProperties(@DefaultValue("true") boolean enabled) {}
