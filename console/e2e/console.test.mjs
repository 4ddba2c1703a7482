// The console end to end, as a person uses it, against the real server and a real flow:
// sign in, upload, watch, answer, reload mid-run, complete, browse, download, cancel, delete,
// administer clients, phone width, sign out. Steps run in order and share one page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import { accessibilityProblems, apiToken, flowPath, launchBrowser, screenshot, serverFromEnv } from './support.mjs';

const server = serverFromEnv();
const flow = flowPath('dummy_with_input.waldiez');

describe('console', { timeout: 600_000 }, () => {
  let chromium;
  let page;
  let taskId;
  const cspViolations = [];
  /** Every output entry id received over any WebSocket of the page, in order, and the socket URLs. */
  const received = [];
  const sockets = [];
  /** Ids of the entries fetched through the transcript route (task id → ids), and its request URLs. */
  const fetched = new Map();
  const historyRequests = [];

  before(async () => {
    chromium = await launchBrowser({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = chromium.context.pages()[0] ?? await chromium.context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('dialog', (d) => d.accept());
    page.on('request', (r) => {
      if (/\/api\/v1\/tasks\/[0-9a-f]{32}\/transcript/.test(r.url())) historyRequests.push(r.url());
    });
    page.on('response', async (r) => {
      const m = /\/api\/v1\/tasks\/([0-9a-f]{32})\/transcript/.exec(r.url());
      if (!m || !r.ok()) return;
      const ids = (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l).id);
      fetched.set(m[1], [...(fetched.get(m[1]) ?? []), ...ids]);
    });
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framereceived', (f) => {
        try {
          const frame = JSON.parse(String(f.payload));
          if (frame.type !== 'status' && frame.type !== 'error' && frame.id) received.push(frame.id);
        } catch {
          // not JSON
        }
      });
    });
  });

  after(async () => {
    await chromium?.close();
  });

  test('signs in with client credentials using the keyboard alone', async () => {
    await page.goto(`${server.baseUrl}/ui/`);
    await page.getByLabel('Client ID').waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'sign-in page: no accessibility violations');
    const cred = server.creds('tasks-api');
    await page.getByLabel('Client ID').focus();
    await page.keyboard.type(cred.client_id);
    await page.keyboard.press('Tab');
    await page.keyboard.type(cred.client_secret);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Run a flow' }).waitFor();
    assert.ok(!page.url().includes(cred.client_secret), 'the secret is never in the URL');
    assert.deepEqual(await accessibilityProblems(page), [], 'tasks page: no accessibility violations');
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
    assert.ok(!stored.includes(cred.client_secret), 'the secret is not kept');
    await screenshot(page, 'tasks-signed-in');
  });

  test('uploads dummy_with_input.waldiez with an input timeout and env vars', async () => {
    await page.locator('#upload-file').setInputFiles(flow);
    await page.getByLabel('Input timeout (seconds)').fill('120');
    await page.getByLabel(/Environment variables/).fill('GREETING=hello\n# a comment\nTARGET=world');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/#\/tasks\/[0-9a-f]{32}$/);
    taskId = /#\/tasks\/([0-9a-f]{32})$/.exec(page.url())[1];
    console.log(`# task ${taskId}`);
  });

  test('shows messages as they arrive and answers the first prompt in place', async () => {
    const prompt = page.locator('.entry.input.pending');
    await prompt.waitFor();
    await screenshot(page, 'task-first-prompt');
    await prompt.getByRole('textbox').fill('Hello from the console');
    await prompt.getByRole('button', { name: 'Send' }).click();
    // The agent's reply arrives live as a chat message with sender and recipient.
    const reply = page.locator('.entry.chat', { hasText: 'Hello from Assistant 1A' });
    await reply.waitFor();
    assert.match(await reply.locator('header').innerText(), /Assistant_1A\s*→\s*User1/);
    await page.locator('.entry.input', { hasText: 'Hello from the console' }).waitFor();
  });

  test('resumes after a reload mid-run from the last entry seen: nothing lost, nothing repeated', async () => {
    await page.locator('.entry.input.pending').waitFor();
    const before = await page.locator('[data-entries]').getAttribute('data-last-id');
    const countBefore = Number(await page.locator('[data-entries]').getAttribute('data-entries'));
    assert.ok(before && countBefore > 0);
    const socketsBefore = sockets.length;
    const requestsBefore = historyRequests.length;
    const socketAfterReload = page.waitForEvent('websocket');
    await page.reload();
    await page.locator('.entry.input.pending').waitFor();
    await socketAfterReload;
    // The page resumes from its cached transcript: the entries after the last one seen, then the socket.
    const resumeRequest = historyRequests[requestsBefore];
    assert.ok(resumeRequest, 'a transcript request after the reload');
    assert.equal(new URL(resumeRequest).searchParams.get('after'), before, 'resumed after the last entry seen');
    const resumeUrl = sockets[socketsBefore];
    assert.ok(resumeUrl, 'a new WebSocket after the reload');
    assert.ok(!/token/i.test(resumeUrl + resumeRequest), 'no token in a URL');
    assert.ok(Number(await page.locator('[data-entries]').getAttribute('data-entries')) >= countBefore);
  });

  test('answers the remaining prompts until COMPLETED', async () => {
    let answered = 1;
    for (;;) {
      const status = page.locator('.task-status .badge');
      if ((await status.innerText()).toLowerCase() === 'completed') break;
      const pending = page.locator('.entry.input.pending');
      const which = await Promise.race([
        pending.waitFor().then(() => 'prompt'),
        page.locator('.task-status .badge', { hasText: /^completed$/i }).waitFor().then(() => 'done'),
      ]);
      if (which === 'done') break;
      const id = await pending.getAttribute('data-request-id');
      await pending.getByRole('textbox').fill('exit');
      await pending.getByRole('button', { name: 'Send' }).click();
      await page.locator(`.entry.input[data-request-id="${id}"]:not(.pending)`).waitFor();
      answered++;
      assert.ok(answered < 20, 'the flow keeps asking');
    }
    assert.ok(answered >= 2, `answered ${answered} prompts`);
    await page.locator('.conn-ended').waitFor();
    await screenshot(page, 'task-completed');
    assert.deepEqual(await accessibilityProblems(page), [], 'task page: no accessibility violations');
  });

  test('shows every entry of the transcript exactly once', async () => {
    const token = await apiToken(server.baseUrl, server.creds('tasks-api'));
    const zip = await fetch(`${server.baseUrl}/api/v1/tasks/${taskId}/download`, { headers: { Authorization: `Bearer ${token}` } });
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const lines = strFromU8(files[`${taskId}/transcript.jsonl`]).split('\n').filter(Boolean);
    const expected = lines.map((l) => JSON.parse(l).id);
    assert.ok(expected.length > 10);
    const all = [...(fetched.get(taskId) ?? []), ...received];
    assert.equal(new Set(all).size, all.length, 'no entry was received twice (transcript route and sockets together)');
    assert.deepEqual([...all].sort(), [...expected].sort(), 'every entry was received');
    assert.ok(received.length > 0, 'entries arrived live over the socket too');
    const shownIds = (await page.locator('[data-ids]').evaluateAll((els) => els.map((e) => e.dataset.ids)))
      .flatMap((s) => s.split(' '));
    assert.deepEqual([...shownIds].sort(), [...expected].sort(), 'the page shows each entry once');
  });

  test('timeline, results and artifacts are browsable', async () => {
    await page.getByRole('tab', { name: 'timeline' }).click();
    await page.locator('.timeline li', { hasText: /completed/i }).waitFor();
    assert.ok(await page.locator('.timeline li', { hasText: /waiting for input/i }).count() >= 2);
    await page.getByRole('tab', { name: 'results' }).click();
    await page.locator('.results dl.run').first().waitFor();
    await page.locator('.results', { hasText: 'Last speaker' }).waitFor();
    await screenshot(page, 'task-results');
    await page.getByRole('tab', { name: 'artifacts' }).click();
    await page.getByRole('button', { name: 'transcript.jsonl' }).click();
    await page.locator('.viewer pre', { hasText: 'input_request' }).waitFor();
    await page.getByRole('tab', { name: 'conversation' }).click();
  });

  test('downloads the task as a zip', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.task-head').getByRole('button', { name: 'Download' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `${taskId}.zip`);
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    assert.ok(files[`${taskId}/dummy_with_input.waldiez`], 'the flow is in the zip');
  });

  test('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.entry.chat').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    await screenshot(page, 'task-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('cancels a second task, uploaded by drag-and-drop', async () => {
    await page.goto(`${server.baseUrl}/ui/#/`);
    // This time by drag-and-drop: a drop event carrying the file, as a browser makes one.
    const drop = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dummy_with_input.waldiez', { type: 'application/json' }));
      return dt;
    }, readFileSync(flow, 'utf8'));
    await page.locator('.dropzone').dispatchEvent('dragover', { dataTransfer: drop });
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: drop });
    await page.getByText('Chosen: dummy_with_input.waldiez').waitFor();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL((u) => /#\/tasks\/[0-9a-f]{32}$/.test(u.hash) && !u.hash.includes(taskId));
    await page.locator('.entry.input.pending').waitFor();
    await page.locator('.task-head').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.task-status .badge', { hasText: /^cancelled$/i }).waitFor();
    await page.getByRole('tab', { name: 'timeline' }).click();
    await page.locator('.timeline li', { hasText: /cancelled/i }).waitFor();
  });

  test('lists tasks with counts, status filter and search, and deletes one', async () => {
    await page.goto(`${server.baseUrl}/ui/#/`);
    const completed = page.locator('[data-status="COMPLETED"]');
    await completed.locator('.count').waitFor();
    const completedBefore = Number(await completed.locator('.count').innerText());
    assert.ok(completedBefore >= 1);
    await completed.click();
    assert.equal(await completed.getAttribute('aria-pressed'), 'true');
    // The filtered page: only completed tasks, ours among them.
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll('tbody tr[data-task-id]')];
      return rows.some((r) => r.dataset.taskId === id) && rows.every((r) => /completed/i.test(r.querySelector('.badge')?.textContent ?? ''));
    }, taskId);
    await page.locator('[data-status="ALL"]').click();
    await page.getByLabel('Search file names').fill('dummy_with');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('tbody tr[data-task-id]').nth(1).waitFor();
    await page.getByLabel('Search file names').fill('no-such-flow');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No tasks match.').waitFor();
    await page.getByLabel('Search file names').fill('');
    await page.locator('tbody tr[data-task-id]').nth(1).waitFor();
    await screenshot(page, 'tasks-list');
    await page.getByRole('button', { name: `Delete dummy_with_input.waldiez (${taskId})` }).click();
    await page.locator(`tr[data-task-id="${taskId}"]`).waitFor({ state: 'detached' });
    await completed.locator('.count', { hasText: new RegExp(`^${completedBefore - 1}$`) }).waitFor();
  });

  /** The admin page's sign-in form for one audience. */
  async function signInWith(audience) {
    const cred = server.creds(audience);
    const form = page.locator('form', { hasText: `${audience} client` });
    await form.getByLabel('Client ID').fill(cred.client_id);
    await form.getByLabel('Client secret').fill(cred.client_secret);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }

  test('admin: all tasks with an admin-api client, clients with a clients-api client', async () => {
    await page.goto(`${server.baseUrl}/ui/#/admin`);
    await signInWith('admin-api');
    await page.getByRole('heading', { name: 'All tasks' }).waitFor();
    await page.locator('tbody tr[data-task-id]').first().waitFor();
    // An admin reads any task's transcript from its archive (admins have no WebSocket).
    await page.locator('tbody tr[data-task-id] a').first().click();
    await page.waitForURL(/#\/admin\/tasks\/[0-9a-f]{32}$/);
    await page.getByRole('button', { name: 'Load the transcript' }).click();
    await page.locator('.entry.input').first().waitFor();
    await page.goto(`${server.baseUrl}/ui/#/admin`);

    await signInWith('clients-api');
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    await page.getByLabel('Name').fill('console-e2e');
    await page.getByRole('button', { name: 'Create client' }).click();
    const secretBox = page.locator('.secret');
    await secretBox.waitFor();
    const newId = await secretBox.locator('code').first().innerText();
    const firstSecret = await secretBox.locator('.secret-value').innerText();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: `Rotate secret of ${newId}` }).click();
    await page.locator('.secret').waitFor();
    const rotated = await page.locator('.secret .secret-value').innerText();
    assert.notEqual(rotated, firstSecret);
    const old = await fetch(`${server.baseUrl}/auth/token`, { method: 'POST', body: new URLSearchParams({ client_id: newId, client_secret: firstSecret }) });
    assert.equal(old.status, 401, 'the old secret no longer works');
    const fresh = await fetch(`${server.baseUrl}/auth/token`, { method: 'POST', body: new URLSearchParams({ client_id: newId, client_secret: rotated }) });
    assert.equal(fresh.status, 200, 'the new secret works');
    await screenshot(page, 'admin');
    assert.deepEqual(await accessibilityProblems(page), [], 'admin page: no accessibility violations');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: `Delete ${newId}` }).click();
    await page.locator(`tr[data-client-id="${newId}"]`).waitFor({ state: 'detached' });
  });

  test('refreshes its access token before it expires', async () => {
    const token = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('waldiez.console.sessions') ?? '{}')['tasks-api']?.accessToken);
    const first = await token();
    assert.ok(first);
    // The test server's tokens live 35 s; the console refreshes at 80 % of that, through /auth/token/refresh.
    await page.waitForFunction((t) => JSON.parse(sessionStorage.getItem('waldiez.console.sessions') ?? '{}')['tasks-api']?.accessToken !== t,
      first, { timeout: 45_000, polling: 500 });
    await page.goto(`${server.baseUrl}/ui/#/`);
    await page.locator('tbody tr[data-task-id]').first().waitFor();
    assert.equal(await page.locator('.alert-error').count(), 0);
  });

  test('signs out: tokens and cached transcripts are gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const keys = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('waldiez.')));
    assert.deepEqual(keys, []);
    assert.deepEqual(cspViolations, [], 'the console satisfies its Content-Security-Policy');
  });
});
