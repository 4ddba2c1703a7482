// The original browser page's WebSocket use (spec §12.2, WebSocketManager.connect), in Node 20 with
// the npm `ws` package standing in for the browser's WebSocket: like a browser, `ws` fails the
// handshake when protocols were offered and the server echoes none of them.
//
//   node compat-tests/browser_page_checks.mjs <ws url of an active task> <tasks-api access token>
//
// `ws` is looked up in $WALDIEZ_WS_MODULE_DIR (scripts/prepare-compat-venv.sh installs it under
// compat-tests/.venv/node). Prints PASS/FAIL lines and a closing `N passed, N failed`; exit 0 only
// without failures.
import { createRequire } from "node:module";
import path from "node:path";

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error("usage: browser_page_checks.mjs <ws url> <token>");
  process.exit(2);
}
const moduleDir = process.env.WALDIEZ_WS_MODULE_DIR
  ?? path.join(path.dirname(new URL(import.meta.url).pathname), ".venv", "node");
const WebSocket = createRequire(path.join(moduleDir, "package.json"))("ws");

let passed = 0;
let failed = 0;
const check = (ok, what, detail = "") => {
  if (ok) {
    passed += 1;
    console.log(`PASS ${what}`);
  } else {
    failed += 1;
    console.log(`FAIL ${what}${detail ? `\n     | ${detail}` : ""}`);
  }
};

/** Opens a socket the way the page does and collects what happens within `ms`. */
function session(protocols, ms, onOpen) {
  return new Promise((resolve) => {
    const seen = { opened: false, protocol: null, messages: [], close: null, error: null, status: null };
    const ws = new WebSocket(url, protocols);
    const timer = setTimeout(() => {
      try { ws.close(1000); } catch { /* ignore */ }
      resolve(seen);
    }, ms);
    ws.on("open", () => {
      seen.opened = true;
      seen.protocol = ws.protocol;
      if (onOpen) onOpen(ws, seen);
    });
    ws.on("message", (data) => {
      const text = data.toString();
      try { seen.messages.push(JSON.parse(text)); } catch { seen.messages.push({ unparsed: text }); }
    });
    ws.on("unexpected-response", (req, res) => {
      seen.status = res.statusCode;
      clearTimeout(timer);
      req.destroy();
      resolve(seen);
    });
    ws.on("error", (err) => { seen.error = String(err.message ?? err); });
    ws.on("close", (code, reason) => {
      seen.close = { code, reason: reason.toString() };
      clearTimeout(timer);
      resolve(seen);
    });
  });
}

// 1. new WebSocket(url, ["tasks-api", token]): accepted, `tasks-api` echoed, first frame status; a
//    malformed input frame in the page's shape gets an error frame and the socket stays open.
const ok = await session(["tasks-api", token], 2500, (ws) => {
  setTimeout(() => ws.send(JSON.stringify({ type: "input_response", request_id: 42, data: "x" })), 300);
});
check(ok.opened, "WebSocket(url, ['tasks-api', token]) opens", JSON.stringify({ status: ok.status, error: ok.error }));
check(ok.protocol === "tasks-api", `server echoed subprotocol ${JSON.stringify(ok.protocol)}`);
check(ok.messages[0]?.type === "status", "first frame is a status frame", JSON.stringify(ok.messages[0] ?? null));
const errorFrame = ok.messages.find((m) => m.error);
check(Boolean(errorFrame), "a malformed input frame gets an error frame", JSON.stringify(ok.messages.slice(-3)));
check(ok.close === null || ok.close.code === 1000, "the socket stayed open after the error frame",
  JSON.stringify(ok.close));

// 2. a bad token in the subprotocol: the handshake is refused (the browser reports 1006)
const bad = await session(["tasks-api", "not-a-token"], 3000);
check(!bad.opened && bad.status === 403, `a bad token is refused with HTTP 403 (got ${bad.status ?? "open"})`);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
