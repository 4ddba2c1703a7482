package io.waldiez.runner.server.streaming;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat's per-connection NIO buffers (application read and write buffers, 8 KB each by default)
 * live as long as the connection, so a server holding thousands of idle WebSockets pays them per
 * socket: {@code waldiez.streaming.io-buffer-size} sizes them too. A request or response larger
 * than the buffer simply takes more socket reads or writes.
 */
@Component
class SocketBuffersCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final StreamingProperties props;

    SocketBuffersCustomizer(StreamingProperties props) {
        this.props = props;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        String bytes = Long.toString(props.ioBufferSize().toBytes());
        factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", bytes);
            connector.setProperty("socket.appWriteBufSize", bytes);
        });
    }
}
