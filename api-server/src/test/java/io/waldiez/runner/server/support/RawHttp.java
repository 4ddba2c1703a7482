package io.waldiez.runner.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: hostile requests that proper clients refuse
 * to send (control characters in the target, broken multipart, raw header values). One request per
 * connection ({@code Connection: close}); chunked responses are decoded.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Header value by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * @param target the request target as sent (path and query, not re-encoded)
     * @param headers extra header lines; {@code Host} and {@code Connection} are added, and
     *     {@code Content-Length} when a body is given and no {@code Transfer-Encoding} is set
     */
    public static Response send(int port, String method, String target, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", "127.0.0.1:" + port);
            all.putAll(headers);
            if (all.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Connection"))) {
                all.put("Connection", "close");
            }
            boolean chunkedRequest = all.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Transfer-Encoding"));
            if (body != null && !chunkedRequest && all.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Content-Length"))) {
                all.put("Content-Length", String.valueOf(body.length));
            }
            all.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            req.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                req.write(body);
            }
            OutputStream out = socket.getOutputStream();
            out.write(req.toByteArray());
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2) {
            throw new IOException("no HTTP status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while (!(h = line(in)).isEmpty()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.merge(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
        }
        if (status == 101) {
            return new Response(status, headers, new byte[0]);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String size = line(in).strip();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
