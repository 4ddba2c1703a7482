package io.waldiez.runner.server.web;

import static io.waldiez.runner.server.web.HostileInputTest.ws;
import static io.waldiez.runner.server.web.HostileRequests.form;
import static io.waldiez.runner.server.web.HostileRequests.headers;
import static io.waldiez.runner.server.web.HostileRequests.json;
import static io.waldiez.runner.server.web.HostileRequests.multipart;
import static io.waldiez.runner.server.web.HostileRequests.parts;
import static io.waldiez.runner.server.web.HostileRequests.utf8;

import io.waldiez.runner.server.web.HostileInputTest.Fixture;
import io.waldiez.runner.server.web.HostileRequests.Case;
import io.waldiez.runner.server.web.HostileRequests.Shape;
import io.waldiez.runner.server.web.HostileRequests.Who;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The HTTP rows of {@link HostileInputTest}: request → exact status and body shape. */
final class HostileCases {

    static final String INVALID = "Invalid credentials.";
    static final String NOT_AUTHENTICATED = "Not authenticated";
    static final String UNPARSABLE = "There was an error parsing the body";
    static final Map<String, String> NO_BOUNDARY = headers("Content-Type", "multipart/form-data");
    static final Who[] BAD_TOKENS = {Who.NO_EXP, Who.NO_IAT, Who.MULTI_AUD, Who.ALG_NONE, Who.OTHER_KEY,
        Who.EXPIRED, Who.REFRESH, Who.WRONG_ISSUER, Who.GARBAGE, Who.UNKNOWN_SUBJECT};

    private final List<Case> rows = new ArrayList<>();

    private HostileCases() {
    }

    static List<Case> all(Fixture f, byte[] validFlow) {
        HostileCases t = new HostileCases();
        t.anyPath();
        t.token();
        t.tokens();
        t.lists();
        t.create(validFlow);
        t.upload();
        t.byId(f);
        t.input(f);
        t.clients();
        t.websocket(f);
        t.sse(f);
        return t.rows;
    }

    private Case add(String name, String method, String target, Who who, Map<String, String> headers, byte[] body,
            int status, Shape shape) {
        Case c = new Case(name, method, target, who, headers, body, status, shape, null);
        rows.add(c);
        return c;
    }

    private void add(String name, String method, String target, Who who, Map<String, String> headers, byte[] body,
            int status, Shape shape, String detail) {
        rows.add(new Case(name, method, target, who, headers, body, status, shape, detail));
    }

    private static byte[] deep(String open, int n) {
        return utf8(open.repeat(n));
    }

    private void anyPath() {
        for (String path : List.of("/health", "/robots.txt", "/nope", "/openapi.json", "/status")) {
            add("multipart without boundary on GET " + path, "GET", path, Who.NOBODY, NO_BOUNDARY, utf8("x"),
                    path.equals("/status") ? 401 : 400, Shape.DETAIL);
        }
        add("multipart without boundary on the token endpoint", "POST", "/auth/token", Who.NOBODY, NO_BOUNDARY,
                utf8("client_id=a"), 400, Shape.DETAIL, UNPARSABLE);
        add("multipart without boundary on a list route", "GET", "/api/v1/tasks", Who.TASKS, NO_BOUNDARY, utf8("x"),
                400, Shape.DETAIL, UNPARSABLE);
        add("/error is not a route", "GET", "/error", Who.NOBODY, Map.of(), null, 404, Shape.DETAIL);
        add("/error is not a route (POST)", "POST", "/error", Who.NOBODY, json(), utf8("{}"), 404, Shape.DETAIL);
        add("wrong method on /health", "DELETE", "/health", Who.NOBODY, Map.of(), null, 405, Shape.DETAIL);
        // Refused by the container before any routing: its own plain 400 page.
        add("encoded slash in a path", "GET", "/api/v1/tasks/..%2F..%2Fetc%2Fpasswd", Who.TASKS, Map.of(), null,
                400, Shape.ANY);
        add("control character in a query name (health)", "GET", "/health?%17=1", Who.NOBODY, Map.of(), null,
                200, Shape.ANY);
    }

    private void token() {
        String t = "/auth/token";
        add("token: empty form", "POST", t, Who.NOBODY, form(), utf8(""), 422, Shape.DETAIL_LIST);
        add("token: secret missing", "POST", t, Who.NOBODY, form(), utf8("client_id=x"), 422, Shape.DETAIL_LIST);
        add("token: wrong credentials", "POST", t, Who.NOBODY, form(), utf8("client_id=x&client_secret=y"), 401,
                Shape.DETAIL, INVALID);
        add("token: NUL in client_id", "POST", t, Who.NOBODY, form(), utf8("client_id=a%00b&client_secret=x"), 401,
                Shape.DETAIL, INVALID);
        add("token: broken percent-encoding", "POST", t, Who.NOBODY, form(), utf8("%%%"), 422, Shape.DETAIL_LIST);
        add("token: JSON array", "POST", t, Who.NOBODY, json(), utf8("[]"), 422, Shape.DETAIL_LIST);
        add("token: JSON number for client_id", "POST", t, Who.NOBODY, json(),
                utf8("{\"client_id\": 5, \"client_secret\": \"s\"}"), 422, Shape.DETAIL_LIST);
        add("token: JSON object for client_secret", "POST", t, Who.NOBODY, json(),
                utf8("{\"client_id\": \"a\", \"client_secret\": {}}"), 422, Shape.DETAIL_LIST);
        add("token: JSON null", "POST", t, Who.NOBODY, json(), utf8("null"), 422, Shape.DETAIL_LIST);
        add("token: JSON nested 20,000 deep", "POST", t, Who.NOBODY, json(), deep("[", 20_000), 422,
                Shape.DETAIL_LIST);
        add("token: JSON 1,000,000-digit number", "POST", t, Who.NOBODY, json(),
                utf8("{\"client_id\": " + "9".repeat(1_000_000) + "}"), 422, Shape.DETAIL_LIST);
        add("token: long client_id", "POST", t, Who.NOBODY, json(),
                utf8("{\"client_id\": \"" + "x".repeat(5000) + "\", \"client_secret\": \"y\"}"), 401, Shape.DETAIL);
        add("token: text/plain", "POST", t, Who.NOBODY, headers("Content-Type", "text/plain"), utf8("hi"), 415,
                Shape.DETAIL);
        add("token: no content type, no body", "POST", t, Who.NOBODY, Map.of(), null, 422, Shape.DETAIL_LIST);
        add("token: truncated multipart", "POST", t, Who.NOBODY, multipart(),
                parts().field("client_id", "a").field("client_secret", "b").truncated(), 400, Shape.DETAIL, UNPARSABLE);
        add("token: multipart with garbage", "POST", t, Who.NOBODY,
                headers("Content-Type", "multipart/form-data; boundary=zzz"), utf8("garbage"), 422, Shape.DETAIL_LIST);
        add("token: GET", "GET", t, Who.NOBODY, Map.of(), null, 405, Shape.DETAIL);
        add("token: control character in a query name", "POST", t + "?%17=1", Who.NOBODY, form(),
                utf8("client_id=x&client_secret=y"), 401, Shape.DETAIL, INVALID);
        String r = "/auth/token/refresh";
        add("refresh: number", "POST", r, Who.NOBODY, json(), utf8("{\"refresh_token\": 12}"), 422, Shape.DETAIL_LIST);
        add("refresh: garbage token", "POST", r, Who.NOBODY, json(), utf8("{\"refresh_token\": \"a.b.c\"}"), 401,
                Shape.DETAIL);
        add("refresh: empty", "POST", r, Who.NOBODY, json(), utf8("{\"refresh_token\": \"\"}"), 422,
                Shape.DETAIL_LIST);
        add("refresh: audience a number", "POST", r, Who.NOBODY, json(),
                utf8("{\"refresh_token\": \"x\", \"audience\": 3}"), 422, Shape.DETAIL_LIST);
        add("refresh: unsigned token", "POST", r, Who.NOBODY, form(),
                utf8("refresh_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), 401, Shape.DETAIL);
        add("refresh: nested JSON", "POST", r, Who.NOBODY, json(), deep("{\"a\":", 20_000), 422, Shape.DETAIL_LIST);
    }

    /** Every forged or edge-case token on a tasks route and on /status: 401, never 500. */
    private void tokens() {
        for (Who who : BAD_TOKENS) {
            add("tasks list with token " + who, "GET", "/api/v1/tasks", who, Map.of(), null, 401, Shape.DETAIL,
                    INVALID);
            add("status with token " + who, "GET", "/status", who, Map.of(), null, 401, Shape.DETAIL, INVALID);
        }
        add("tasks list without token", "GET", "/api/v1/tasks", Who.NOBODY, Map.of(), null, 401, Shape.DETAIL,
                NOT_AUTHENTICATED);
        add("tasks list with a clients-api token", "GET", "/api/v1/tasks", Who.CLIENTS, Map.of(), null, 401,
                Shape.DETAIL, INVALID);
        add("tasks list with an admin-api token", "GET", "/api/v1/tasks", Who.ADMIN, Map.of(), null, 401,
                Shape.DETAIL, INVALID);
        add("Basic credentials", "GET", "/api/v1/tasks", Who.NOBODY, headers("Authorization", "Basic eDp5"), null,
                401, Shape.DETAIL);
        add("Bearer with nothing", "GET", "/api/v1/tasks", Who.NOBODY, headers("Authorization", "Bearer "), null,
                401, Shape.DETAIL);
        add("clients route with a tasks token", "GET", "/api/v1/clients", Who.TASKS, Map.of(), null, 401,
                Shape.DETAIL, INVALID);
        add("admin route with a tasks token", "GET", "/api/v1/admin/tasks", Who.TASKS, Map.of(), null, 401,
                Shape.DETAIL, INVALID);
    }

    private void lists() {
        for (String path : List.of("/api/v1/tasks", "/api/v1/admin/tasks")) {
            Who who = path.contains("admin") ? Who.ADMIN : Who.TASKS;
            for (String q : List.of("page=0", "page=abc", "size=101", "size=-1", "page=99999999999999", "status=bogus",
                    "order_by=password", "order_type=sideways", "size=1.5", "status=running")) {
                add("list " + q, "GET", path + "?" + q, who, Map.of(), null, 422, Shape.DETAIL_LIST);
            }
            add("list: control character in a query name", "GET", path + "?%17=1", who, Map.of(), null, 400,
                    Shape.DETAIL);
            add("list: C1 control character in a query name", "GET", path + "?%C2%87=", who, Map.of(), null, 400,
                    Shape.DETAIL);
        }
        add("list: NUL in search", "GET", "/api/v1/tasks?search=%00", Who.TASKS, Map.of(), null, 400, Shape.DETAIL);
        String c = "/api/v1/tasks/count";
        add("count: empty search", "GET", c + "?search=", Who.TASKS, Map.of(), null, 422, Shape.DETAIL_LIST);
        add("count: both flags", "GET", c + "?active_only=true&inactive_only=true", Who.TASKS, Map.of(), null, 400,
                Shape.DETAIL, "active_only and inactive_only cannot both be true");
        add("count: flag not a boolean", "GET", c + "?active_only=maybe", Who.TASKS, Map.of(), null, 422,
                Shape.DETAIL_LIST);
        add("count: bad status", "GET", c + "?status=x", Who.TASKS, Map.of(), null, 422, Shape.DETAIL_LIST);
        // count reads its parameters by name, so the firewall never lists (and judges) the odd name
        add("count: control character in a query name", "GET", c + "?%17=1", Who.TASKS, Map.of(), null, 200,
                Shape.ANY);
        add("count: admin token", "GET", c, Who.ADMIN, Map.of(), null, 401, Shape.DETAIL);
    }

    private void create(byte[] valid) {
        String t = "/api/v1/tasks";
        add("create: multipart without boundary", "POST", t, Who.TASKS, NO_BOUNDARY, utf8("x"), 400, Shape.DETAIL,
                UNPARSABLE);
        add("create: truncated multipart", "POST", t, Who.TASKS, multipart(), parts().file("a.waldiez", valid)
                .truncated(), 400, Shape.DETAIL, UNPARSABLE);
        add("create: NUL in the part's file name", "POST", t, Who.TASKS, multipart(),
                parts().file("nul\u0000.waldiez", valid).done(), 400, Shape.DETAIL);
        add("create: no parts", "POST", t, Who.TASKS, multipart(), parts().done(), 400, Shape.DETAIL,
                "Either file, file_url or filename must be provided");
        add("create: file and filename", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", valid).field("filename", "b.waldiez").done(), 400, Shape.DETAIL,
                "Only one of `file`, `file_url` or `filename` can be provided");
        add("create: upper-case suffix", "POST", t, Who.TASKS, multipart(), parts().file("a.WALDIEZ", valid).done(),
                400, Shape.DETAIL, "Invalid file type");
        add("create: empty file", "POST", t, Who.TASKS, multipart(), parts().file("a.waldiez", new byte[0]).done(),
                400, Shape.DETAIL, "Uploaded file is empty");
        add("create: traversal name, bad JSON", "POST", t, Who.TASKS, multipart(),
                parts().file("../../../../tmp/x.waldiez", utf8("{")).done(), 400, Shape.DETAIL);
        add("create: zip content", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", new byte[] {'P', 'K', 3, 4, 0, 0}).done(), 400, Shape.DETAIL,
                "Invalid file type: application/zip");
        add("create: 100,000 [", "POST", t, Who.TASKS, multipart(), parts().file("a.waldiez", deep("[", 100_000))
                .done(), 400, Shape.DETAIL);
        add("create: JSON nested 20,000 deep", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", deep("{\"a\":", 20_000)).done(), 400, Shape.DETAIL);
        add("create: 1,000,000-digit number", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", utf8("{\"type\": " + "1".repeat(1_000_000) + "}")).done(), 400, Shape.DETAIL);
        add("create: not UTF-8", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}).done(), 400, Shape.DETAIL,
                "Could not detect MIME type");
        add("create: duplicate keys", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", utf8("{\"type\": \"flow\", \"type\": \"flow\"}")).done(), 400, Shape.DETAIL);
        add("create: over 5 MiB", "POST", t, Who.TASKS, multipart(),
                parts().file("big.waldiez", new byte[6 * 1024 * 1024]).done(), 400, Shape.DETAIL,
                "File exceeds maximum size of 5.0 MB");
        add("create: http file_url", "POST", t, Who.TASKS, multipart(), parts().field("file_url", "http://x/y").done(),
                400, Shape.DETAIL, "Invalid file URL");
        add("create: https file_url", "POST", t, Who.TASKS, multipart(),
                parts().field("file_url", "https://x/y.waldiez").done(), 400, Shape.DETAIL,
                "Remote file URLs are not supported by this server");
        add("create: filename with a path", "POST", t, Who.TASKS, multipart(),
                parts().field("filename", "../etc/passwd").done(), 400, Shape.DETAIL, "Invalid file path");
        add("create: filename never uploaded", "POST", t, Who.TASKS, multipart(),
                parts().field("filename", "never-uploaded.waldiez").done(), 400, Shape.DETAIL, "Invalid file path");
        for (String[] bad : new String[][] {{"input_timeout", "abc"}, {"input_timeout", "0"},
                {"input_timeout", "99999999999"}, {"expires_at", "not-a-date"}, {"expires_at", "2030-13-45T99:00:00Z"},
                {"scheduled_time", "2030-01-01T00:00:00Z"}, {"cron_expression", "* * * * *"},
                {"trigger_now", "maybe"}, {"force", "maybe"}, {"skip_deps", "maybe"}}) {
            add("create: " + bad[0] + "=" + bad[1], "POST", t, Who.TASKS, multipart(),
                    parts().file("a.waldiez", valid).field(bad[0], bad[1]).done(), 422, Shape.DETAIL_LIST);
        }
        add("create: input_timeout=abc in the query", "POST", t + "?input_timeout=abc", Who.TASKS, multipart(),
                parts().file("a.waldiez", valid).done(), 422, Shape.DETAIL_LIST);
        add("create: env_vars not JSON", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", valid).field("env_vars", "nope").done(), 400, Shape.DETAIL,
                "Invalid JSON format for env_vars");
        add("create: env_vars overrides PATH", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", valid).field("env_vars", "{\"PATH\": \"/tmp\"}").done(), 400, Shape.DETAIL,
                "Cannot override protected system variable: PATH");
        add("create: env_vars nested deep", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", valid).field("env_vars", "[".repeat(3000)).done(), 400, Shape.DETAIL);
        add("create: schedule_type", "POST", t, Who.TASKS, multipart(),
                parts().file("a.waldiez", valid).field("schedule_type", "once").done(), 400, Shape.DETAIL,
                "Scheduled tasks are not supported by this server");
        add("create: urlencoded filename with a path", "POST", t, Who.TASKS, form(), utf8("filename=..%2Fx.waldiez"),
                400, Shape.DETAIL, "Invalid file path");
        add("create: JSON body", "POST", t, Who.TASKS, json(), utf8("{}"), 400, Shape.DETAIL,
                "Either file, file_url or filename must be provided");
        add("create: admin token", "POST", t, Who.ADMIN, multipart(), parts().file("a.waldiez", valid).done(), 401,
                Shape.DETAIL);
        add("create: no token", "POST", t, Who.NOBODY, multipart(), parts().file("a.waldiez", valid).done(), 401,
                Shape.DETAIL, NOT_AUTHENTICATED);
        add("create: token without exp", "POST", t, Who.NO_EXP, multipart(), parts().file("a.waldiez", valid).done(),
                401, Shape.DETAIL, INVALID);
    }

    private void upload() {
        String u = "/api/v1/tasks/upload";
        add("upload: urlencoded", "POST", u, Who.TASKS, form(), utf8("file=x"), 422, Shape.DETAIL_LIST);
        add("upload: JSON {}", "POST", u, Who.TASKS, json(), utf8("{}"), 422, Shape.DETAIL_LIST);
        add("upload: no body", "POST", u, Who.TASKS, Map.of(), null, 422, Shape.DETAIL_LIST);
        add("upload: multipart without boundary", "POST", u, Who.TASKS, NO_BOUNDARY, utf8("x"), 400, Shape.DETAIL,
                UNPARSABLE);
        add("upload: truncated multipart", "POST", u, Who.TASKS, multipart(),
                parts().file("a.waldiez", utf8("{}")).truncated(), 400, Shape.DETAIL, UNPARSABLE);
        add("upload: no file part", "POST", u, Who.TASKS, multipart(), parts().field("x", "y").done(), 422,
                Shape.DETAIL_LIST);
        add("upload: wrong suffix", "POST", u, Who.TASKS, multipart(), parts().file("a.txt", utf8("{}")).done(), 400,
                Shape.DETAIL, "Invalid file type");
        add("upload: not a flow", "POST", u, Who.TASKS, multipart(), parts().file("a.waldiez", utf8("{}")).done(), 400,
                Shape.DETAIL);
        add("upload: 100,000 [", "POST", u, Who.TASKS, multipart(), parts().file("a.waldiez", deep("[", 100_000))
                .done(), 400, Shape.DETAIL);
        add("upload: NUL in the file name", "POST", u, Who.TASKS, multipart(),
                parts().file("x\u0000.waldiez", utf8("{}")).done(), 400, Shape.DETAIL);
        add("upload: name is only a path", "POST", u, Who.TASKS, multipart(),
                parts().file("../", utf8("{}")).done(), 400, Shape.DETAIL);
        add("upload: admin token", "POST", u, Who.ADMIN, multipart(), parts().file("a.waldiez", utf8("{}")).done(),
                401, Shape.DETAIL);
        add("upload: no token", "POST", u, Who.NOBODY, multipart(), parts().file("a.waldiez", utf8("{}")).done(), 401,
                Shape.DETAIL);
    }

    private void byId(Fixture f) {
        String base = "/api/v1/tasks/";
        for (String id : List.of("zzz", "x".repeat(5000), f.foreign(), "%20", "0000000000000000000000000000000g")) {
            String label = HostileRequests.abbreviate(id);
            add("get " + label, "GET", base + id, Who.TASKS, Map.of(), null, 404, Shape.DETAIL, "Task not found");
            add("cancel " + label, "POST", base + id + "/cancel", Who.TASKS, Map.of(), null, 404, Shape.DETAIL);
            add("download " + label, "GET", base + id + "/download", Who.TASKS, Map.of(), null, 404, Shape.DETAIL);
            add("delete " + label, "DELETE", base + id, Who.TASKS, Map.of(), null, 404, Shape.DETAIL);
        }
        add("get: NUL in the id (the container's 400)", "GET", base + "%00", Who.TASKS, Map.of(), null, 400,
                Shape.ANY);
        String running = base + f.running();
        add("patch: finished task", "PATCH", base + f.done(), Who.TASKS, json(), utf8("{}"), 400, Shape.DETAIL,
                "Cannot update task with status COMPLETED");
        for (String body : List.of("{\"status\": \"BOGUS\"}", "{\"status\": 5}", "{\"results\": 5}",
                "{\"results\": [1]}", "[]", "{\"expires_at\": \"nope\"}", "{\"expires_at\": 5}",
                "{\"schedule_type\": \"weekly\"}", "{\"cron_expression\": \"* * * * *\"}", "not json",
                "{\"results\": " + "[".repeat(20_000) + "}")) {
            add("patch " + HostileRequests.abbreviate(body), "PATCH", running, Who.TASKS, json(), utf8(body), 422,
                    Shape.DETAIL_LIST);
        }
        add("put: bad status", "PUT", running, Who.TASKS, json(), utf8("{\"status\": \"BOGUS\"}"), 422,
                Shape.DETAIL_LIST);
        add("patch: status COMPLETED", "PATCH", running, Who.TASKS, json(), utf8("{\"status\": \"COMPLETED\"}"), 400,
                Shape.DETAIL);
        add("patch: text/plain", "PATCH", running, Who.TASKS, headers("Content-Type", "text/plain"), utf8("{}"), 415,
                Shape.DETAIL);
        add("patch: foreign task", "PATCH", base + f.foreign(), Who.TASKS, json(), utf8("{}"), 404, Shape.DETAIL);
        add("cancel: finished task", "POST", base + f.done() + "/cancel", Who.TASKS, Map.of(), null, 400,
                Shape.DETAIL, "Cannot cancel task with status COMPLETED");
        add("delete: active without force", "DELETE", running, Who.TASKS, Map.of(), null, 400, Shape.DETAIL,
                "Cannot delete task with status RUNNING");
        add("delete: force not a boolean", "DELETE", running + "?force=maybe", Who.TASKS, Map.of(), null, 422,
                Shape.DETAIL_LIST);
        add("download: no token", "GET", base + f.done() + "/download", Who.NOBODY, Map.of(), null, 401,
                Shape.DETAIL);
        add("bulk delete: admin without ids", "DELETE", "/api/v1/tasks", Who.ADMIN, Map.of(), null, 400,
                Shape.DETAIL, "Task IDs must be specified for deletion");
        add("bulk delete: force not a boolean", "DELETE", "/api/v1/tasks?force=x", Who.TASKS, Map.of(), null, 422,
                Shape.DETAIL_LIST);
    }

    private void input(Fixture f) {
        String in = "/api/v1/tasks/" + f.waiting() + "/input";
        String req = f.waitingRequest();
        for (String body : List.of("{\"request_id\": \"" + req + "\", \"data\": 5}",
                "{\"request_id\": \"" + req + "\", \"data\": true}",
                "{\"request_id\": \"" + req + "\", \"data\": {\"a\": 1}}",
                "{\"request_id\": \"" + req + "\", \"data\": null}",
                "{\"request_id\": 5, \"data\": \"x\"}", "{\"request_id\": \"" + req + "\"}", "{}", "[]", "null",
                "{\"request_id\": \"" + "r".repeat(200) + "\", \"data\": \"x\"}",
                "{\"request_id\": \"\", \"data\": \"x\"}",
                "{\"request_id\": \"" + req + "\", \"data\": \"" + "a".repeat(600 * 1024) + "\"}")) {
            add("input " + HostileRequests.abbreviate(body), "POST", in, Who.TASKS, json(), utf8(body), 422,
                    Shape.DETAIL_LIST);
        }
        add("input: another request id", "POST", in, Who.TASKS, json(),
                utf8("{\"request_id\": \"other\", \"data\": \"x\"}"), 400, Shape.DETAIL, "Invalid input request");
        add("input: finished task", "POST", "/api/v1/tasks/" + f.done() + "/input", Who.TASKS, json(),
                utf8("{\"request_id\": \"r\", \"data\": \"x\"}"), 400, Shape.DETAIL, "Invalid input request");
        add("input: foreign task", "POST", "/api/v1/tasks/" + f.foreign() + "/input", Who.TASKS, json(),
                utf8("{\"request_id\": \"r\", \"data\": \"x\"}"), 404, Shape.DETAIL,
                "Task " + f.foreign() + " not found");
        add("input: admin token", "POST", in, Who.ADMIN, json(), utf8("{\"request_id\": \"r\", \"data\": \"x\"}"), 401,
                Shape.DETAIL);
        add("input: text/plain", "POST", in, Who.TASKS, headers("Content-Type", "text/plain"), utf8("x"), 415,
                Shape.DETAIL);
    }

    private void clients() {
        String c = "/api/v1/clients";
        add("clients: nested JSON", "POST", c, Who.CLIENTS, json(), deep("[", 20_000), 422, Shape.DETAIL_LIST);
        add("clients: number for name", "POST", c, Who.CLIENTS, json(), utf8("{\"name\": 5}"), 422, Shape.DETAIL_LIST);
        add("clients: NUL in client_id", "POST", c, Who.CLIENTS, json(), utf8("{\"client_id\": \"a\\u0000b\"}"), 422,
                Shape.DETAIL_LIST);
        add("clients: unknown id", "PATCH", c + "/zzz", Who.CLIENTS, json(), utf8("{\"name\": \"n\"}"), 404,
                Shape.DETAIL);
        add("clients: control character in a query name", "GET", c + "?%17=1", Who.CLIENTS, Map.of(), null, 400,
                Shape.DETAIL);
        add("clients: page=0", "GET", c + "?page=0", Who.CLIENTS, Map.of(), null, 422, Shape.DETAIL_LIST);
    }

    private void websocket(Fixture f) {
        String done = "/ws/" + f.done();
        String running = "/ws/" + f.running();
        String tasks = f.tokens().get(Who.TASKS);
        add("ws: no token", "GET", running, Who.NOBODY, ws(), null, 403, Shape.EMPTY);
        add("ws: not a task id", "GET", "/ws/zzz", Who.TASKS, ws(), null, 403, Shape.EMPTY);
        add("ws: foreign task", "GET", "/ws/" + f.foreign() + "?after=0", Who.TASKS, ws(), null, 403, Shape.EMPTY);
        add("ws: admin token", "GET", running, Who.ADMIN, ws(), null, 403, Shape.EMPTY);
        for (Who who : BAD_TOKENS) {
            add("ws: token " + who + " in the query", "GET", running + "?access_token=" + f.tokens().get(who),
                    Who.NOBODY, ws(), null, 403, Shape.EMPTY);
        }
        add("ws: token without exp as subprotocol", "GET", running, Who.NOBODY,
                ws("Sec-WebSocket-Protocol", "tasks-api, " + f.tokens().get(Who.NO_EXP)), null, 403, Shape.EMPTY);
        add("ws: finished task without after", "GET", done, Who.TASKS, ws(), null, 403, Shape.EMPTY);
        add("ws: after is not a stream id", "GET", done + "?after=garbage", Who.TASKS, ws(), null, 400, Shape.EMPTY);
        add("ws: foreign Origin", "GET", running, Who.TASKS, ws("Origin", "http://evil.example"), null, 403,
                Shape.DETAIL);
        add("ws: garbage subprotocol token", "GET", running, Who.NOBODY,
                ws("Sec-WebSocket-Protocol", "tasks-api, garbage"), null, 403, Shape.EMPTY);
        add("ws: subprotocol token (control)", "GET", running, Who.NOBODY,
                ws("Sec-WebSocket-Protocol", "tasks-api, " + tasks), null, 101, Shape.ANY);
    }

    private void sse(Fixture f) {
        String base = "/api/v1/tasks/";
        String done = base + f.done() + "/stream";
        add("sse: no token", "GET", done, Who.NOBODY, Map.of(), null, 401, Shape.DETAIL);
        add("sse: admin token", "GET", done, Who.ADMIN, Map.of(), null, 401, Shape.DETAIL);
        add("sse: token with two audiences", "GET", done, Who.MULTI_AUD, Map.of(), null, 401, Shape.DETAIL);
        add("sse: foreign task", "GET", base + f.foreign() + "/stream", Who.TASKS, Map.of(), null, 404, Shape.DETAIL);
        add("sse: not a task id", "GET", base + "zzz/stream", Who.TASKS, Map.of(), null, 404, Shape.DETAIL);
        add("sse: bad Last-Event-ID", "GET", done, Who.TASKS, headers("Last-Event-ID", "garbage"), null, 422,
                Shape.DETAIL_LIST);
        add("sse: long Last-Event-ID", "GET", done, Who.TASKS, headers("Last-Event-ID", "9".repeat(5000)), null, 422,
                Shape.DETAIL_LIST);
        add("sse: bad after", "GET", done + "?after=x-y", Who.TASKS, Map.of(), null, 422, Shape.DETAIL_LIST);
    }
}
