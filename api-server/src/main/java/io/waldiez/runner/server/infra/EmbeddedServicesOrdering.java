package io.waldiez.runner.server.infra;

import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * DataSources and Redis clients depend on {@link EmbeddedServicesLifecycle}, so on shutdown the
 * connection pools close before the embedded servers they point to stop.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedServicesOrdering {

    static final String LIFECYCLE_BEAN = "embeddedServicesLifecycle";

    @Bean
    static BeanFactoryPostProcessor embeddedServicesDependsOn() {
        return beanFactory -> {
            List<String> names = new ArrayList<>();
            names.addAll(Arrays.asList(beanFactory.getBeanNamesForType(DataSource.class, true, false)));
            names.addAll(Arrays.asList(beanFactory.getBeanNamesForType(RedisClient.class, true, false)));
            for (String name : names) {
                if (!beanFactory.containsBeanDefinition(name)) {
                    continue;
                }
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                List<String> dependsOn = new ArrayList<>();
                if (definition.getDependsOn() != null) {
                    dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
                }
                if (!dependsOn.contains(LIFECYCLE_BEAN)) {
                    dependsOn.add(LIFECYCLE_BEAN);
                    definition.setDependsOn(dependsOn.toArray(String[]::new));
                }
            }
        };
    }
}
