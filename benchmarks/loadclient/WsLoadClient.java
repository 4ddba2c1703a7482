import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket load client of the benchmark harness: N tasks × M subscribers on {@code /ws/{id}},
 * counting distinct output entries per subscriber and the latency from each entry's
 * {@code timestamp} (µs since the epoch, written at XADD on this machine) to its receipt, on the
 * same clock. JDK only (java.net.http); the harness compiles it (with {@link SelfTest}) into
 * benchmarks/.work/loadclient:
 *
 * <pre>
 *   javac -d benchmarks/.work/loadclient benchmarks/loadclient/*.java
 *   java -cp benchmarks/.work/loadclient WsLoadClient subscribe --url ws://127.0.0.1:8000 --token JWT --m 5
 *   java -cp benchmarks/.work/loadclient WsLoadClient selftest [--m 10] [--seconds 5]
 * </pre>
 *
 * <p>{@code subscribe} talks to the harness over stdio: it warms its own receive path up (about a
 * second against the selftest server), prints {@code HELLO}, reads {@code SUB <id>,<id>...} and opens
 * M sockets per task, prints {@code READY <open> <failed>} once every handshake is done, then {@code P <task index> <entries>} whenever the slowest
 * subscriber of a task has moved (the harness's closed loop reads it), and on {@code STOP} (or end
 * of input) closes the sockets and prints one line {@code RESULT <json>}.
 *
 * <p>{@code selftest} measures this client's own ceiling: an in-process server writes pre-built
 * frames as fast as loopback takes them and the same receive path counts them.
 *
 * <p>Frames are deduplicated by stream id: the first arrival of each entry comes in stream order
 * (every server sends a task's entries in order, the original once per open connection of the task,
 * see benchmarks/README.md), so an id not after the last one seen is a duplicate copy.
 */
public final class WsLoadClient {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: subscribe --url WS_BASE --token JWT --m M (then SUB id,... and STOP on stdin) | selftest [--m M] [--seconds S]");
            System.exit(2);
        }
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        switch (args[0]) {
            case "subscribe" -> subscribe(opt);
            case "selftest" -> SelfTest.run(opt);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    // ------------------------------------------------------------------ one subscriber

    /** One WebSocket: counts distinct entries and their latencies. Called by one thread at a time. */
    static final class Sub implements WebSocket.Listener {
        final int task;
        volatile long openedUs;
        volatile long distinct;
        long frames;
        long dups;
        long lastMs = -1;
        long lastSeq = -1;
        volatile long firstRxUs;
        volatile long lastRxUs;
        int[] latUs = new int[1024];
        /** Receipt minus the time Redis stamped on the entry's id (ms): the server's share of the latency. */
        int[] fromRedisUs = new int[1024];
        /** The entries' own timestamps (µs), for WSLC_DUMP: when in the window each latency fell. */
        long[] tsUs = new long[1024];
        int nLat;
        volatile String error;
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private StringBuilder partial;

        Sub(int task) {
            this.task = task;
        }

        @Override
        public void onOpen(WebSocket ws) {
            openedUs = nowMicros();
            ws.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (!last) {
                (partial == null ? partial = new StringBuilder() : partial).append(data);
                return null;
            }
            String msg;
            if (partial != null) {
                msg = partial.append(data).toString();
                partial = null;
            } else {
                msg = data.toString();
            }
            try {
                onMessage(msg, nowMicros());
            } catch (RuntimeException e) {
                error = "unreadable frame: " + e; // counted, the socket stays open
            }
            return null;
        }

        void onMessage(String msg, long rx) {
            frames++;
            TopLevel f = TopLevel.scan(msg);
            if ("status".equals(f.type) || f.idMs < 0) {
                return; // status and error frames carry no stream id
            }
            if (f.idMs < lastMs || f.idMs == lastMs && f.idSeq <= lastSeq) {
                dups++;
                return;
            }
            lastMs = f.idMs;
            lastSeq = f.idSeq;
            if (firstRxUs == 0) {
                firstRxUs = rx;
            }
            lastRxUs = rx;
            distinct++;
            if (f.timestamp > 0 && f.timestamp >= openedUs) {
                if (nLat == latUs.length) {
                    latUs = Arrays.copyOf(latUs, nLat * 2);
                    fromRedisUs = Arrays.copyOf(fromRedisUs, nLat * 2);
                    tsUs = Arrays.copyOf(tsUs, nLat * 2);
                }
                tsUs[nLat] = f.timestamp;
                fromRedisUs[nLat] = (int) Math.max(0, Math.min(Integer.MAX_VALUE, rx - f.idMs * 1000));
                latUs[nLat++] = (int) Math.min(Integer.MAX_VALUE, rx - f.timestamp);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            if (code != 1000 && code != 1001 && code != WebSocket.NORMAL_CLOSURE) {
                error = "closed " + code + " " + reason;
            }
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            closed.complete(null);
        }
    }

    /**
     * The top-level {@code type}, {@code id} ({@code <ms>-<seq>}) and {@code timestamp} (µs, a string
     * or a number) of a frame, in one pass that skips nested values (ag2 events carry ids and
     * timestamps of their own inside {@code data}).
     */
    static final class TopLevel {
        String type;
        long idMs = -1;
        long idSeq = -1;
        long timestamp = -1;

        static TopLevel scan(String s) {
            TopLevel t = new TopLevel();
            int depth = 0;
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    int end = endOfString(s, i);
                    if (depth == 1) {
                        int colon = end + 1;
                        while (colon < n && s.charAt(colon) == ' ') {
                            colon++;
                        }
                        if (colon < n && s.charAt(colon) == ':') {
                            i = value(t, s, i + 1, end, colon + 1);
                            continue;
                        }
                    }
                    i = end;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
            }
            return t;
        }

        /**
         * Reads the value (at vs) of the key s[ks, ke) when it is one we want; returns the index to
         * scan on from (a nested object or array is left to the caller's depth tracking).
         */
        private static int value(TopLevel t, String s, int ks, int ke, int vs) {
            int n = s.length();
            while (vs < n && s.charAt(vs) == ' ') {
                vs++;
            }
            if (vs >= n || s.charAt(vs) == '{' || s.charAt(vs) == '[') {
                return vs - 1;
            }
            boolean quoted = s.charAt(vs) == '"';
            int start = quoted ? vs + 1 : vs;
            int end = quoted ? endOfString(s, vs) : start;
            if (!quoted) {
                while (end < n && ",}] ".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
            }
            int key = ke - ks;
            if (key == 4 && s.startsWith("type", ks) && quoted) {
                t.type = s.substring(start, end);
            } else if (key == 2 && s.startsWith("id", ks) && quoted) {
                int dash = s.indexOf('-', start);
                if (dash > start && dash < end - 1 && digits(s, start, dash) && digits(s, dash + 1, end)) {
                    t.idMs = Long.parseLong(s, start, dash, 10);
                    t.idSeq = Long.parseLong(s, dash + 1, end, 10);
                }
            } else if (key == 9 && s.startsWith("timestamp", ks) && digits(s, start, end)) {
                t.timestamp = Long.parseLong(s, start, end, 10);
            }
            return quoted ? end : end - 1;
        }

        private static boolean digits(String s, int from, int to) {
            for (int i = from; i < to; i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    return false;
                }
            }
            return to > from;
        }

        private static int endOfString(String s, int open) {
            for (int i = open + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    return i;
                }
            }
            return s.length() - 1;
        }
    }

    // ------------------------------------------------------------------ subscribe (driven by the harness)

    static void subscribe(Map<String, String> opt) throws Exception {
        String base = opt.get("url").replaceAll("/+$", "");
        String token = opt.get("token");
        int m = Integer.parseInt(opt.getOrDefault("m", "5"));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        if (!"0".equals(opt.getOrDefault("warmup", "1"))) {
            SelfTest.warmUp(); // JIT-compile the receive path before anything is measured
        }
        out.println("HELLO");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String cmd = in.readLine();
        if (cmd == null || !cmd.startsWith("SUB ")) {
            System.exit(0);
        }
        String[] tasks = cmd.substring(4).trim().split(",");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        List<Sub> subs = new ArrayList<>();
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int t = 0; t < tasks.length; t++) {
            for (int j = 0; j < m; j++) {
                Sub sub = new Sub(t);
                subs.add(sub);
                sub.openedUs = Long.MAX_VALUE; // no latency before the handshake completed
                opening.add(http.newWebSocketBuilder()
                        .header("Authorization", "Bearer " + token)
                        .connectTimeout(Duration.ofSeconds(30))
                        .buildAsync(URI.create(base + "/ws/" + tasks[t]), sub)
                        .whenComplete((ws, e) -> {
                            if (e != null) {
                                sub.error = "connect: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                                sub.closed.complete(null);
                            }
                        }));
            }
        }
        List<WebSocket> open = new ArrayList<>();
        for (CompletableFuture<WebSocket> f : opening) {
            try {
                open.add(f.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                // recorded by the listener
            }
        }
        out.printf("READY %d %d%n", open.size(), subs.size() - open.size());
        out.flush();

        CountDownLatch stop = new CountDownLatch(1);
        Thread stdin = new Thread(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.trim().equals("STOP")) {
                        break;
                    }
                }
            } catch (IOException ignored) {
                // end of input: stop
            }
            stop.countDown();
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();

        long[] reported = new long[tasks.length];
        Arrays.fill(reported, -1);
        while (!stop.await(2, TimeUnit.MILLISECONDS)) {
            progress(subs, reported, out);
        }
        progress(subs, reported, out);
        for (WebSocket ws : open) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        for (Sub s : subs) {
            try {
                s.closed.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a server that does not answer the close: counted anyway
            }
        }
        dump(subs, System.getenv("WSLC_DUMP"));
        out.println("RESULT " + result(subs));
        out.flush();
        System.exit(0);
    }

    /** With WSLC_DUMP=file: one line per measured delivery (subscriber, entry timestamp µs, latency µs, from Redis µs). */
    static void dump(List<Sub> subs, String file) {
        if (file == null || file.isEmpty()) {
            return;
        }
        try (PrintStream p = new PrintStream(new BufferedOutputStream(new FileOutputStream(file)), false,
                StandardCharsets.UTF_8)) {
            for (int i = 0; i < subs.size(); i++) {
                Sub s = subs.get(i);
                for (int k = 0; k < s.nLat; k++) {
                    p.printf("%d %d %d %d%n", i, s.tsUs[k], s.latUs[k], s.fromRedisUs[k]);
                }
            }
        } catch (IOException e) {
            System.err.println("WSLC_DUMP: " + e);
        }
    }

    static void progress(List<Sub> subs, long[] reported, PrintStream out) {
        long[] min = new long[reported.length];
        Arrays.fill(min, Long.MAX_VALUE);
        for (Sub s : subs) {
            min[s.task] = Math.min(min[s.task], s.distinct);
        }
        boolean any = false;
        for (int t = 0; t < min.length; t++) {
            if (min[t] != Long.MAX_VALUE && min[t] != reported[t]) {
                reported[t] = min[t];
                out.printf("P %d %d%n", t, min[t]);
                any = true;
            }
        }
        if (any) {
            out.flush();
        }
    }

    static String result(List<Sub> subs) {
        long deliveries = 0, frames = 0, dups = 0, first = Long.MAX_VALUE, lastRx = 0;
        int n = 0;
        for (Sub s : subs) {
            n += s.nLat;
        }
        int[] all = new int[n];
        int[] fromRedis = new int[n];
        int k = 0;
        Map<String, Integer> errors = new LinkedHashMap<>();
        long[] perTask = new long[subs.stream().mapToInt(s -> s.task).max().orElse(-1) + 1];
        for (Sub s : subs) {
            deliveries += s.distinct;
            frames += s.frames;
            dups += s.dups;
            perTask[s.task] = Math.max(perTask[s.task], s.distinct);
            if (s.firstRxUs > 0) {
                first = Math.min(first, s.firstRxUs);
                lastRx = Math.max(lastRx, s.lastRxUs);
            }
            System.arraycopy(s.latUs, 0, all, k, s.nLat);
            System.arraycopy(s.fromRedisUs, 0, fromRedis, k, s.nLat);
            k += s.nLat;
            if (s.error != null) {
                errors.merge(s.error, 1, Integer::sum);
            }
        }
        Arrays.sort(all);
        Arrays.sort(fromRedis);
        StringBuilder j = new StringBuilder("{");
        j.append("\"subscribers\":").append(subs.size());
        j.append(",\"deliveries\":").append(deliveries);
        j.append(",\"frames\":").append(frames);
        j.append(",\"duplicates\":").append(dups);
        j.append(",\"first_rx_us\":").append(first == Long.MAX_VALUE ? "null" : first);
        j.append(",\"last_rx_us\":").append(lastRx == 0 ? "null" : lastRx);
        j.append(",\"per_task_max\":").append(Arrays.toString(perTask));
        j.append(",\"latency_ms\":{\"n\":").append(all.length);
        j.append(",\"p50\":").append(pct(all, 50)).append(",\"p90\":").append(pct(all, 90));
        j.append(",\"p99\":").append(pct(all, 99)).append(",\"max\":").append(all.length == 0 ? "null" : ms(all[all.length - 1]));
        double mean = all.length == 0 ? 0 : Arrays.stream(all).asLongStream().sum() / (double) all.length;
        j.append(",\"mean\":").append(all.length == 0 ? "null" : String.format(Locale.ROOT, "%.3f", mean / 1000.0)).append('}');
        // Redis ids carry whole milliseconds: this part is over-counted by up to 1 ms.
        j.append(",\"from_redis_ms\":{\"p50\":").append(pct(fromRedis, 50))
                .append(",\"p99\":").append(pct(fromRedis, 99)).append('}');
        j.append(",\"subscriber_errors\":[");
        int e = 0;
        for (Map.Entry<String, Integer> en : errors.entrySet()) {
            if (e++ >= 5) {
                break;
            }
            j.append(e > 1 ? "," : "").append('"').append(en.getKey().replace("\\", "\\\\").replace("\"", "'"))
                    .append(" (×").append(en.getValue()).append(")\"");
        }
        return j.append("]}").toString();
    }

    /** Nearest-rank percentile in ms, as the Python harness computes it. */
    static String pct(int[] sorted, double p) {
        if (sorted.length == 0) {
            return "null";
        }
        int idx = (int) Math.max(0, Math.min(sorted.length - 1, Math.round(p / 100.0 * sorted.length + 0.5) - 1));
        return ms(sorted[idx]);
    }

    static String ms(int us) {
        return String.format(Locale.ROOT, "%.3f", us / 1000.0);
    }
}
