// Shared pieces of the browser tests: the real API server on its embedded default (a temporary
// data dir, free ports), Debian's chromium driven by playwright-core, screenshots, and Redis access.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const consoleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(consoleDir, '..');

/** Screenshots (CI artifacts) go here; printed once. */
export const outputDir = resolve(process.env.E2E_OUTPUT ?? join(consoleDir, 'target', 'e2e'));
mkdirSync(outputDir, { recursive: true });

export function flowPath(name) {
  for (const dir of [process.env.E2E_FLOWS, join(repoRoot, '..', 'shared', 'flows'), join(repoRoot, 'examples', 'flows')]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`flow ${name} not found (set E2E_FLOWS)`);
}

/** Access-token lifetime of the test server: the console refreshes at 80 % (here after ~5 s). */
export const ACCESS_TOKEN_TTL_S = 35;

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function serverJar() {
  if (process.env.E2E_JAR) return process.env.E2E_JAR;
  const dir = join(repoRoot, 'api-server', 'target');
  const jar = existsSync(dir) && readdirSync(dir).find((f) => /^waldiez-api-server-.*\.jar$/.test(f) && !f.endsWith('-plain.jar'));
  if (!jar) throw new Error('api-server jar not found: run mvn package first (or set E2E_JAR)');
  return join(dir, jar);
}

/**
 * Starts the server jar as `java -jar` with no configuration but ports and a temporary data dir:
 * embedded PostgreSQL and Redis, local runner processes. Resolves once it is ready.
 */
export async function startServer() {
  const port = await freePort();
  const redisPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'waldiez-console-e2e-'));
  const python = process.env.E2E_PYTHON ?? join(repoRoot, 'runner-image', '.venv', 'bin', 'python');
  const logFile = join(outputDir, 'server.log');
  const { openSync } = await import('node:fs');
  const log = openSync(logFile, 'w');
  const child = spawn('java', ['-jar', serverJar(), `--server.port=${port}`, `--waldiez.data-dir=${dataDir}`,
    `--waldiez.embedded.redis.port=${redisPort}`, `--waldiez.launcher.local.python=${python}`,
    // Short-lived access tokens, so the console's refresh-before-expiry runs during the tests.
    `--waldiez.auth.access-token-ttl=${ACCESS_TOKEN_TTL_S}s`],
  { stdio: ['ignore', log, log] });
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}); see ${logFile}`);
    try {
      const r = await fetch(`${baseUrl}/actuator/health/readiness`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 180_000) throw new Error(`server not ready after 180 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`# server ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (log ${logFile})`);
  const clients = JSON.parse(readFileSync(join(dataDir, 'clients.json'), 'utf8'));
  const creds = (audience) => clients.find((c) => c.audience === audience);
  // The embedded Redis requires the server's user and password (docs/security.md).
  const redis = { port: redisPort, user: 'waldiez-server', password: readFileSync(join(dataDir, 'redis-password'), 'utf8').trim() };
  return {
    baseUrl, port, redis, dataDir, creds,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's chromium, headless, with a fresh profile (a persistent context in a new temp dir); the
 * flags keep it off the (closed) network. `options` are Playwright context options.
 */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'waldiez-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

let shotNo = 0;
let announced = false;
export async function screenshot(page, name) {
  if (!announced) {
    console.log(`# screenshots in ${outputDir}`);
    announced = true;
  }
  const file = join(outputDir, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Writes entries into Redis with redis-cli's pipe mode (RESP built here; Debian's redis-tools), as
 * the server's Redis user (the password goes in the environment, not the command line).
 */
export function redisPipe(redis, commands) {
  const resp = commands.map((args) => `*${args.length}\r\n` + args.map((a) => {
    const s = String(a);
    return `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }).join('')).join('');
  const r = spawnSync('redis-cli', ['-p', String(redis.port), '--user', redis.user, '--pipe'],
    { input: resp, encoding: 'utf8', env: { ...process.env, REDISCLI_AUTH: redis.password } });
  if (r.status !== 0 || !/errors: 0/.test(r.stdout)) {
    throw new Error(`redis-cli --pipe failed: ${r.stdout} ${r.stderr}`);
  }
}

/** REST helper for set-up steps that are not what a test is about. */
export async function apiToken(baseUrl, cred) {
  const r = await fetch(`${baseUrl}/auth/token`, {
    method: 'POST', body: new URLSearchParams({ client_id: cred.client_id, client_secret: cred.client_secret }),
  });
  if (!r.ok) throw new Error(`token: ${r.status}`);
  return (await r.json()).access_token;
}

/** The server the runner (e2e/run.mjs) started, as passed in the environment. */
export function serverFromEnv() {
  const baseUrl = process.env.E2E_BASE_URL;
  if (!baseUrl) throw new Error('E2E_BASE_URL is not set: run the browser tests with `npm run e2e`');
  const clients = JSON.parse(process.env.E2E_CLIENTS ?? '[]');
  return {
    baseUrl,
    redis: { port: Number(process.env.E2E_REDIS_PORT), user: process.env.E2E_REDIS_USER, password: process.env.E2E_REDIS_PASSWORD },
    creds: (audience) => clients.find((c) => c.audience === audience),
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.x A/AA rules (labels, contrast, roles, keyboard…) on the page as it is now:
 * one line per violated rule with the nodes that break it. Evaluated through the DevTools protocol,
 * so the page's CSP (script-src 'self') stays as it is.
 */
export async function accessibilityProblems(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
