package io.waldiez.runner.server.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The fabric8 client of Kubernetes mode; nothing Kubernetes exists in local mode. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "waldiez.launcher.mode", havingValue = KubernetesTaskLauncher.MODE)
public class KubernetesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KubernetesConfiguration.class);

    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient(KubernetesLauncherProperties props) {
        Config config = Config.autoConfigure(null);
        if (props.hasApiServerUrl()) {
            config = new ConfigBuilder(config).withMasterUrl(props.apiServerUrl()).build();
        }
        if (props.hasNamespace()) {
            config = new ConfigBuilder(config).withNamespace(props.namespace()).build();
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        log.info("Kubernetes mode: API {}, namespace {}", client.getMasterUrl(), namespaceOf(client));
        return client;
    }

    /** The namespace tasks live in: configured, else the client's, else {@code default}. */
    static String namespaceOf(KubernetesClient client) {
        String ns = client.getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }
}
