package io.waldiez.runner.server.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vocabulary of {@link HostileInputTest}'s table: who calls, what body comes back, and builders
 * for the raw request bodies (multipart by hand, so it can be broken on purpose).
 */
final class HostileRequests {

    private HostileRequests() {
    }

    /** Whose {@code Authorization: Bearer} the request carries (or a crafted token). */
    enum Who {
        NOBODY, TASKS, OTHER_TASKS, ADMIN, CLIENTS,
        NO_EXP, NO_IAT, MULTI_AUD, ALG_NONE, OTHER_KEY, EXPIRED, REFRESH, WRONG_ISSUER, GARBAGE, UNKNOWN_SUBJECT
    }

    /** The error body expected with the status. */
    enum Shape {
        /** {@code {"detail": "<string>"}} */
        DETAIL,
        /** {@code {"detail": [{"type","loc","msg",...}]}} */
        DETAIL_LIST,
        /** no body (WebSocket refusals, 204s) */
        EMPTY,
        /** a 2xx JSON (or other) body: only the status is asserted */
        ANY
    }

    /** One row: the request as sent and what must come back. */
    record Case(String name, String method, String target, Who who, Map<String, String> headers, byte[] body,
            int status, Shape shape, String detail) {

        Case detail(String exact) {
            return new Case(name, method, target, who, headers, body, status, shape, exact);
        }

        @Override
        public String toString() {
            return name + " [" + method + " " + abbreviate(target) + " as " + who + " → " + status + "]";
        }
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> headers(String... nameValue) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            out.put(nameValue[i], nameValue[i + 1]);
        }
        return out;
    }

    static Map<String, String> json() {
        return headers("Content-Type", "application/json");
    }

    static Map<String, String> form() {
        return headers("Content-Type", "application/x-www-form-urlencoded");
    }

    static final String BOUNDARY = "hostileBoundary7MA4YWxkTrZu0gW";

    static Map<String, String> multipart() {
        return headers("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    }

    /** Builds a multipart body part by part; {@link #truncated} cuts it before the closing boundary. */
    static final class Multipart {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            return raw("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n", utf8(value));
        }

        Multipart file(String filename, byte[] content) {
            return raw("Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n", content);
        }

        Multipart raw(String partHeaders, byte[] content) {
            out.writeBytes(utf8("--" + BOUNDARY + "\r\n" + partHeaders));
            out.writeBytes(content);
            out.writeBytes(utf8("\r\n"));
            return this;
        }

        byte[] done() {
            out.writeBytes(utf8("--" + BOUNDARY + "--\r\n"));
            return out.toByteArray();
        }

        byte[] truncated() {
            byte[] all = out.toByteArray();
            return java.util.Arrays.copyOf(all, Math.max(0, all.length - 7));
        }
    }

    static Multipart parts() {
        return new Multipart();
    }
}
