// A task page with thousands of transcript entries paints within the budget (first paint of
// a task page under 1 s with 1,000 entries; here 2,000). The entries are written straight into the
// task's Redis output stream, as a runner writes them, while the real flow waits for input.
// Also: a password prompt (written the same way, as a runner would) is answered in a masked field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { apiToken, flowPath, launchBrowser, redisPipe, screenshot, serverFromEnv } from './support.mjs';

const server = serverFromEnv();
const ENTRIES = 2_000;
/**
 * Cold loads measured after one warm-up load (a server that has just started has not compiled its
 * replay path yet); the best one is asserted, the others show the noise of a loaded machine.
 */
const RUNS = 5;
const BUDGET_MS = 1_000;

describe('large transcript', { timeout: 300_000 }, () => {
  let chromium;
  let token;
  let taskId;

  before(async () => {
    token = await apiToken(server.baseUrl, server.creds('tasks-api'));
    const form = new FormData();
    form.set('file', new Blob([readFileSync(flowPath('dummy_with_input.waldiez'))]), 'dummy_with_input.waldiez');
    form.set('input_timeout', '600');
    form.set('force', 'true');
    const r = await fetch(`${server.baseUrl}/api/v1/tasks`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, await r.clone().text());
    taskId = (await r.json()).id;
    // The flow's first prompt: it now waits (for 600 s), so nothing else writes to the stream.
    for (let i = 0; ; i++) {
      const t = await (await fetch(`${server.baseUrl}/api/v1/tasks/${taskId}`, { headers: { Authorization: `Bearer ${token}` } })).json();
      if (t.status === 'WAITING_FOR_INPUT') break;
      assert.ok(i < 600, `task still ${t.status}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    const key = `task:${taskId}:output`;
    const now = Date.now() * 1000;
    const commands = [];
    for (let i = 0; i < ENTRIES; i++) {
      const ts = String(now + i);
      if (i % 3 === 0) {
        commands.push(['XADD', key, '*', 'type', 'print', 'data', `log line ${i}: **not** markdown\n`, 'task_id', taskId, 'timestamp', ts]);
      } else if (i % 3 === 1) {
        const event = { type: 'text', content: { uuid: `u${i}`, content: `Message **${i}** with a [link](https://example.org) and \`code\`\n\n- a\n- b`, sender: 'Assistant_1A', recipient: 'User1' } };
        commands.push(['XADD', key, '*', 'type', 'print', 'data', JSON.stringify(event), 'task_id', taskId, 'timestamp', ts]);
      } else {
        const event = { type: 'tool_call', content: { uuid: `u${i}`, tool_calls: [{ id: `c${i}`, function: { name: 'search', arguments: '{"q":"x"}' }, type: 'function' }], sender: 'Assistant_1A', recipient: 'User1' } };
        commands.push(['XADD', key, '*', 'type', 'print', 'data', JSON.stringify(event), 'task_id', taskId, 'timestamp', ts]);
      }
    }
    redisPipe(server.redis, commands);
    chromium = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    token = await apiToken(server.baseUrl, server.creds('tasks-api'));
    await fetch(`${server.baseUrl}/api/v1/tasks/${taskId}/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    await chromium?.close();
  });

  /** A new tab, signed in (tokens in its sessionStorage), whose transcript cache is still empty. */
  async function signedInTab() {
    const page = await chromium.context.newPage();
    await page.goto(`${server.baseUrl}/ui/`);
    const cred = server.creds('tasks-api');
    await page.getByLabel('Client ID').fill(cred.client_id);
    await page.getByLabel('Client secret').fill(cred.client_secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Run a flow' }).waitFor();
    await page.goto('about:blank');
    return page;
  }

  /** Loads the task page as a new document; ms from navigation start until every entry is painted. */
  async function measure(page, expected) {
    await page.goto(`${server.baseUrl}/ui/#/tasks/${taskId}`);
    await page.waitForFunction((n) => Number(document.querySelector('[data-entries]')?.getAttribute('data-entries')) >= n,
      expected, { polling: 'raf', timeout: 30_000 });
    return page.evaluate(() => new Promise((res) => requestAnimationFrame(() => res(performance.now()))));
  }

  test(`paints a task page with ${ENTRIES} entries within ${BUDGET_MS} ms`, async () => {
    const expected = ENTRIES + 3; // the flow's own first entries: a print, an event, the prompt
    const cold = [];
    let page;
    for (let i = -1; i < RUNS; i++) {
      await page?.close();
      page = await signedInTab();
      const ms = await measure(page, expected);
      if (i >= 0) cold.push(ms);
    }
    const entries = Number(await page.locator('[data-entries]').getAttribute('data-entries'));
    assert.ok(entries >= expected, `${entries} entries`);
    let lastChat = ENTRIES - 1;
    while (lastChat % 3 !== 1) lastChat--;
    assert.equal(await page.locator('.entry.chat').last().locator('.md strong').textContent(), String(lastChat));
    await screenshot(page, 'large-transcript');

    // A reload: the transcript comes from the tab's cache, then the socket resumes after its last entry.
    await page.goto('about:blank');
    const cached = await measure(page, expected);
    const best = Math.min(...cold);
    console.log(`# large transcript: ${entries} entries; every entry painted ${cold.map((t) => t.toFixed(0)).join(', ')} ms ` +
      `after navigation start (best ${best.toFixed(0)}); after a reload (tab cache) ${cached.toFixed(0)} ms; budget ${BUDGET_MS} ms`);
    assert.ok(best < BUDGET_MS, `all ${entries} entries painted in ${best.toFixed(0)} ms, budget ${BUDGET_MS} ms`);
    assert.ok(cached < BUDGET_MS, `after a reload in ${cached.toFixed(0)} ms, budget ${BUDGET_MS} ms`);

    // Earlier entries are a click away (incremental rendering keeps only the newest in the DOM).
    const before = await page.locator('[data-ids]').count();
    await page.getByRole('button', { name: /earlier of/ }).click();
    assert.ok((await page.locator('[data-ids]').count()) > before);
    await page.close();
  });

  test('answers a password prompt in a masked field', async () => {
    // A second prompt of the run, with password=True: its input_request entry, then its
    // WAITING_FOR_INPUT status and its hint (docs/protocol.md §2, §4), written as a runner writes them.
    const requestId = 'f'.repeat(32);
    const ts = String(Date.now() * 1000);
    const status = JSON.stringify({ request_id: requestId, prompt: 'API key?', password: true });
    redisPipe(server.redis, [
      ['XADD', `task:${taskId}:output`, '*', 'type', 'input_request', 'data', 'API key?', 'password', 'True',
        'request_id', requestId, 'task_id', taskId, 'timestamp', ts],
      ['XADD', `task:${taskId}:status`, '*', 'kind', 'status', 'task_id', taskId, 'status', 'WAITING_FOR_INPUT',
        'timestamp', ts, 'data', status],
      // the hint that makes the server read the task's status stream now (§4.3)
      ['XADD', 'task-status', '*', 'task_id', taskId, 'status', 'WAITING_FOR_INPUT', 'timestamp', ts],
    ]);
    const page = await signedInTab();
    await page.goto(`${server.baseUrl}/ui/#/tasks/${taskId}`);
    const prompt = page.locator(`.entry.input.pending[data-request-id="${requestId}"]`);
    await prompt.waitFor({ timeout: 30_000 });
    const field = prompt.locator('input');
    assert.equal(await field.getAttribute('type'), 'password');
    await field.fill('s3cret-value');
    await prompt.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction((id) => !document.querySelector(`.entry.input.pending[data-request-id="${id}"] button[disabled]`), requestId);
    assert.equal(await page.locator('.alert-error').count(), 0, 'the server took the answer');
    assert.ok(!(await page.locator('body').innerText()).includes('s3cret-value'), 'the answer is never shown');
    await screenshot(page, 'password-prompt');
    await page.close();
  });
});
