package io.waldiez.runner.server.infra;

import java.nio.file.Path;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Releases the embedded servers this context acquired, when the context closes. */
@Component(EmbeddedServicesOrdering.LIFECYCLE_BEAN)
class EmbeddedServicesLifecycle implements DisposableBean {

    private final String pgDir;
    private final Integer redisPort;

    EmbeddedServicesLifecycle(Environment env) {
        this.pgDir = env.getProperty(EmbeddedServicesEnvironmentPostProcessor.ACTIVE_PG_DIR);
        this.redisPort = env.getProperty(EmbeddedServicesEnvironmentPostProcessor.ACTIVE_REDIS_PORT, Integer.class);
    }

    @Override
    public void destroy() {
        if (pgDir != null) {
            EmbeddedServices.releasePostgres(Path.of(pgDir));
        }
        if (redisPort != null) {
            EmbeddedServices.releaseRedis(redisPort);
        }
    }
}
