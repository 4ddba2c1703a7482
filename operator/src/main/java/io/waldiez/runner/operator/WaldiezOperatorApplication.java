package io.waldiez.runner.operator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The WaldiezTask operator. */
@SpringBootApplication
@EnableConfigurationProperties(OperatorSettings.class)
public class WaldiezOperatorApplication {
    public static void main(String[] args) {
        SpringApplication.run(WaldiezOperatorApplication.class, args);
    }
}
