package io.waldiez.runner.server.archive;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** Reads what a run left in Redis: its output stream, results and artifacts keys. */
@Component
public class RedisTaskData implements DisposableBean {

    private static final int PAGE = 1000;

    private final StatefulRedisConnection<String, String> redis;
    private final RedisClient client;
    private volatile StatefulRedisConnection<byte[], byte[]> binary;

    public RedisTaskData(StatefulRedisConnection<String, String> redis, RedisClient client) {
        this.redis = redis;
        this.client = client;
    }

    /** Every entry of {@code task:<id>:output}, in order, with its stream id. */
    public List<OutputEntry> output(String taskId) {
        String key = StreamKeys.output(taskId);
        List<OutputEntry> out = new ArrayList<>();
        String from = "-";
        while (true) {
            List<StreamMessage<String, String>> page = redis.sync().xrange(key, Range.create(from, "+"), Limit.from(PAGE + 1));
            int added = 0;
            for (StreamMessage<String, String> m : page) {
                if (!out.isEmpty() && m.getId().equals(out.get(out.size() - 1).id())) {
                    continue; // the inclusive start of the next page
                }
                out.add(new OutputEntry(m.getId(), m.getBody()));
                added++;
            }
            if (page.size() <= PAGE || added == 0) {
                return out;
            }
            from = out.get(out.size() - 1).id();
        }
    }

    public Optional<String> results(String taskId) {
        return Optional.ofNullable(redis.sync().get(StreamKeys.results(taskId)));
    }

    /** The zipped {@code waldiez_out/} folder, read as bytes (not through the text codec). */
    public Optional<byte[]> artifacts(String taskId) {
        byte[] key = StreamKeys.artifacts(taskId).getBytes(StandardCharsets.UTF_8);
        return Optional.ofNullable(binary().sync().get(key));
    }

    private StatefulRedisConnection<byte[], byte[]> binary() {
        StatefulRedisConnection<byte[], byte[]> c = binary;
        if (c == null) {
            synchronized (this) {
                if (binary == null) {
                    binary = client.connect(ByteArrayCodec.INSTANCE);
                }
                c = binary;
            }
        }
        return c;
    }

    @Override
    public void destroy() {
        if (binary != null) {
            binary.close();
        }
    }
}
