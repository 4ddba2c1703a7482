package io.waldiez.runner.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Waldiez Runner API server. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WaldiezRunnerServer {

    public static void main(String[] args) {
        SpringApplication.run(WaldiezRunnerServer.class, args);
    }
}
