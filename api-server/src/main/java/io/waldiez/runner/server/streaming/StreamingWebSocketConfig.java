package io.waldiez.runner.server.streaming;

import io.waldiez.runner.server.web.WebSocketOriginCheck;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/** Registers {@code /ws/{task_id}} (raw WebSocket, no STOMP) and the container's message limits. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class StreamingWebSocketConfig implements WebSocketConfigurer {

    private final TaskWebSocketHandler handler;
    private final TaskHandshakeInterceptor interceptor;
    private final WebSocketOriginCheck originCheck;

    StreamingWebSocketConfig(TaskWebSocketHandler handler, TaskHandshakeInterceptor interceptor,
            WebSocketOriginCheck originCheck) {
        this.handler = handler;
        this.interceptor = interceptor;
        this.originCheck = originCheck;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/ws/{task_id}")
                // Browsers: the page's own origin and the CORS origins (the cookie token must not work
                // cross-site), judged by WebSocketOriginCheck; Spring's own check is switched off ("*")
                // because it takes a page behind a reverse proxy for a foreign one. Non-browser clients
                // send no Origin and are not affected.
                .addInterceptors(originCheck, interceptor)
                .setHandshakeHandler(new DefaultHandshakeHandler())
                .setAllowedOriginPatterns("*");
    }

    /**
     * The container allocates its receive buffers for every open socket, so they stay small
     * (receive-buffer-size); longer messages arrive in parts that {@link TaskWebSocketHandler}
     * assembles up to max-frame-size. Sends slower than send-timeout fail.
     */
    @Bean
    ServletServerContainerFactoryBean createWebSocketContainer(StreamingProperties props) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        int buffer = (int) Math.min(props.maxFrameSize().toBytes(), props.receiveBufferSize().toBytes());
        container.setMaxTextMessageBufferSize(buffer);
        container.setMaxBinaryMessageBufferSize(buffer);
        container.setAsyncSendTimeout(props.sendTimeout().toMillis());
        return container;
    }

    /** No permessage-deflate unless {@code waldiez.streaming.compression=true}: see {@link WebSocketCompressionFilter}. */
    @Bean
    @ConditionalOnProperty(name = "waldiez.streaming.compression", havingValue = "false", matchIfMissing = true)
    FilterRegistrationBean<WebSocketCompressionFilter> webSocketCompressionFilter() {
        FilterRegistrationBean<WebSocketCompressionFilter> registration =
                new FilterRegistrationBean<>(new WebSocketCompressionFilter());
        registration.addUrlPatterns("/ws/*");
        registration.setName("webSocketCompressionFilter");
        return registration;
    }
}
