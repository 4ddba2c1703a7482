import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The load client's own ceiling ({@code WsLoadClient selftest}): an in-process server answers the
 * WebSocket handshake and then writes pre-built text frames (the shape of an output entry, ~200
 * bytes, fresh ids and timestamps per batch) as fast as loopback takes them, and the client's
 * receive path ({@link WsLoadClient.Sub}) counts them. Also a second of it warms that path up
 * before a measurement.
 */
final class SelfTest {

    private SelfTest() {
    }

    /** Prints the frames per second that {@code --m} sockets take over {@code --seconds}, as JSON. */
    static void run(Map<String, String> opt) throws Exception {
        int m = Integer.parseInt(opt.getOrDefault("m", "10"));
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "5"));
        double rate = blastRun(m, 0.5, seconds);
        System.out.printf(Locale.ROOT, "{\"mode\":\"selftest\",\"subscribers\":%d,\"seconds\":%.1f,\"frames_per_s\":%.0f}%n",
                m, seconds, rate);
        System.exit(0);
    }

    /**
     * Compiles the receive path before a measurement, then waits for the JIT to go quiet. Two shapes of
     * traffic, since they take different paths through the JDK's WebSocket: flat out (many frames per
     * read) and a trickle (one frame per read, as a chatty flow sends them). Without the wait, this
     * client's C2 compiled for tens of milliseconds at a time inside the first measurement window, and
     * the client's CPU share is the server's loss (perf sched: a stream thread of the server waited
     * 39 ms behind it).
     */
    static void warmUp() throws Exception {
        blastRun(2, 0.2, 0.8, 256, 0);
        blastRun(2, 0.1, 1.2, 1, 200);
        awaitQuietJit(Duration.ofSeconds(6));
    }

    /** Until compilation takes under 2% of a core for half a second, or {@code max} passed. */
    static void awaitQuietJit(Duration max) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            Thread.sleep(1000);
            return;
        }
        long deadline = System.nanoTime() + max.toNanos();
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = jit.getTotalCompilationTime();
            quiet = now - last <= 2 ? quiet + 1 : 0;
            last = now;
        }
    }

    /** Frames per second that m subscribers take from the in-process blast server, after a warm-up. */
    static double blastRun(int m, double warmSeconds, double seconds) throws Exception {
        return blastRun(m, warmSeconds, seconds, 256, 0);
    }

    /** As above; the server writes {@code batch} frames per write and pauses {@code pauseMicros} between writes. */
    static double blastRun(int m, double warmSeconds, double seconds, int batch, long pauseMicros) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread w = new Thread(() -> blast(s, batch, pauseMicros), "blast");
                        w.setDaemon(true);
                        w.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "accept");
            acceptor.setDaemon(true);
            acceptor.start();
            HttpClient http = HttpClient.newHttpClient();
            List<WsLoadClient.Sub> subs = new ArrayList<>();
            List<WebSocket> open = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                WsLoadClient.Sub sub = new WsLoadClient.Sub(i);
                subs.add(sub);
                open.add(http.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws/selftest"), sub)
                        .get(10, TimeUnit.SECONDS));
            }
            Thread.sleep((long) (warmSeconds * 1000));
            long d0 = subs.stream().mapToLong(s -> s.distinct).sum();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long d1 = subs.stream().mapToLong(s -> s.distinct).sum();
            double rate = (d1 - d0) / ((System.nanoTime() - t0) / 1e9);
            for (WebSocket ws : open) {
                ws.abort();
            }
            return rate;
        }
    }

    private static void blast(Socket s, int batch, long pauseMicros) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            String key = null;
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1; ) {
                if (c == '\n') {
                    String l = line.toString().trim();
                    if (l.isEmpty()) {
                        break;
                    }
                    if (l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                        key = l.substring(l.indexOf(':') + 1).trim();
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // Fixed-width digits so a batch is patched in place: {"id":"<13>-<6>",...,"timestamp":"<16>"}
            String body = "{\"id\":\"0000000000000-000000\",\"type\":\"print\",\"data\":{\"type\":\"text\",\"content\":"
                    + "{\"content\":\"" + "x".repeat(64) + "\",\"sender\":\"a\",\"recipient\":\"b\"}},"
                    + "\"task_id\":\"selftest\",\"timestamp\":\"0000000000000000\"}";
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            int frameLen = 4 + payload.length;
            byte[] buf = new byte[frameLen * batch];
            for (int i = 0; i < batch; i++) {
                int o = i * frameLen;
                buf[o] = (byte) 0x81;
                buf[o + 1] = 126;
                buf[o + 2] = (byte) (payload.length >> 8);
                buf[o + 3] = (byte) payload.length;
                System.arraycopy(payload, 0, buf, o + 4, payload.length);
            }
            int idAt = 4 + body.indexOf("\"id\":\"") + 6;
            int tsAt = 4 + body.indexOf("\"timestamp\":\"") + 13;
            long ms = System.currentTimeMillis();
            long seq = 0;
            while (true) {
                long ts = WsLoadClient.nowMicros();
                for (int i = 0; i < batch; i++) {
                    int o = i * frameLen;
                    digits(buf, o + idAt, 13, ms);
                    digits(buf, o + idAt + 14, 6, seq++ % 1_000_000);
                    if (seq % 1_000_000 == 0) {
                        ms++;
                    }
                    digits(buf, o + tsAt, 16, ts);
                }
                out.write(buf);
                if (pauseMicros > 0) {
                    LockSupport.parkNanos(pauseMicros * 1000);
                }
            }
        } catch (Exception e) {
            // client gone
        }
    }

    private static void digits(byte[] b, int at, int width, long v) {
        for (int i = width - 1; i >= 0; i--) {
            b[at + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }
}
