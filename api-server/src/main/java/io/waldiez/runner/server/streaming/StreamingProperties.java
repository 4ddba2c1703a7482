package io.waldiez.runner.server.streaming;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code waldiez.streaming.*}: limits of the live streams (WebSocket {@code /ws/{id}} and SSE).
 *
 * @param maxConnectionsPerTask open streams of one task in this server process (WS + SSE)
 * @param maxConnectionsPerClient open streams of one client in this server process (WS + SSE)
 * @param maxFrameSize largest WebSocket message a client may send; bigger ones close the socket with 1009
 * @param receiveBufferSize the container's message receive buffers per socket (allocated even for idle sockets,
 *     so small); longer messages are assembled from parts up to maxFrameSize
 * @param ioBufferSize the container's other per-socket buffers: NIO read and write, WebSocket frame input,
 *     output (frames batched before a socket write) and UTF-8 encoding (a longer message goes out in
 *     fragments of this size); all allocated for idle sockets too
 * @param bufferFrames outgoing frames queued per connection; a client that lets more pile up is disconnected
 * @param bufferSize outgoing bytes (approximate, JSON characters) queued per connection, same rule
 * @param sendTimeout a WebSocket write that waits longer than this for the client's socket closes it; a write
 *     only waits when the client's TCP buffers are full, and holds one sender thread meanwhile
 * @param senderThreads threads that write to connections and read history
 * @param historyBatch entries read per history page (Redis XRANGE or the PostgreSQL archive)
 * @param readCount entries per stream per XREAD of the shared live reader
 * @param readBlock how long the shared live reader blocks in XREAD
 * @param heartbeat interval of SSE keep-alive comments (also how a vanished SSE client is noticed)
 * @param compression accept WebSocket permessage-deflate when a client offers it (off: it costs native memory
 *     per socket and CPU and latency per frame and subscriber; see WebSocketCompressionFilter)
 */
@ConfigurationProperties("waldiez.streaming")
public record StreamingProperties(
        @DefaultValue("100") int maxConnectionsPerTask,
        @DefaultValue("200") int maxConnectionsPerClient,
        @DefaultValue("1MB") DataSize maxFrameSize,
        @DefaultValue("1KB") DataSize receiveBufferSize,
        @DefaultValue(StreamingProperties.DEFAULT_IO_BUFFER) DataSize ioBufferSize,
        @DefaultValue("1000") int bufferFrames,
        @DefaultValue("4MB") DataSize bufferSize,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("8") int senderThreads,
        @DefaultValue("500") int historyBatch,
        @DefaultValue("500") int readCount,
        @DefaultValue("1s") Duration readBlock,
        @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("false") boolean compression) {

    /** Read before the properties are bound, by {@link SocketBuffersEnvironmentPostProcessor}. */
    static final String DEFAULT_IO_BUFFER = "2KB";
    static final long MIN_IO_BUFFER = 1024;

    public StreamingProperties {
        if (receiveBufferSize.toBytes() < 1024) {
            throw new IllegalArgumentException("waldiez.streaming.receive-buffer-size must be at least 1KB");
        }
        if (ioBufferSize.toBytes() < MIN_IO_BUFFER) {
            throw new IllegalArgumentException("waldiez.streaming.io-buffer-size must be at least 1KB");
        }
        if (maxConnectionsPerTask < 1 || maxConnectionsPerClient < 1 || bufferFrames < 10 || senderThreads < 1
                || historyBatch < 1 || readCount < 1) {
            throw new IllegalArgumentException("waldiez.streaming limits must be positive (buffer-frames >= 10)");
        }
    }
}
