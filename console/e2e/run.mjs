// Runs the browser tests: starts the real server jar on its embedded default, runs every
// e2e/*.test.mjs with node's test runner (one file at a time, sharing the server), stops the server.
//   npm run e2e     (after mvn package and scripts/prepare-runner-venv.sh)
// Environment: E2E_JAR, E2E_PYTHON, E2E_FLOWS, E2E_OUTPUT (screenshots), CHROMIUM (/usr/bin/chromium).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { consoleDir, outputDir, serverFromEnv as serverFromEnvVars, startServer } from './support.mjs';

const started = Date.now();
// E2E_BASE_URL (+ E2E_REDIS_PORT, E2E_REDIS_USER, E2E_REDIS_PASSWORD, E2E_CLIENTS) reuses a server already
// running, for development.
const server = process.env.E2E_BASE_URL ? { ...serverFromEnvVars(), stop: async () => {} } : await startServer();
let status = 1;
try {
  const clients = ['tasks-api', 'admin-api', 'clients-api'].map((a) => server.creds(a));
  const files = readdirSync(join(consoleDir, 'e2e')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join('e2e', f));
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    cwd: consoleDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      E2E_BASE_URL: server.baseUrl,
      E2E_REDIS_PORT: String(server.redis.port),
      E2E_REDIS_USER: server.redis.user,
      E2E_REDIS_PASSWORD: server.redis.password,
      E2E_CLIENTS: JSON.stringify(clients),
      E2E_OUTPUT: outputDir,
    },
  });
  status = r.status ?? 1;
} finally {
  await server.stop();
}
console.log(`# browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s in all; screenshots in ${outputDir}`);
process.exit(status);
