// The Token Health webview end to end, in a real VS Code (code-server) with the packaged VSIX, on
// the test cluster. The credential history is seeded with a rotation, 401 lines after it and
// hostile log lines, so the timeline, the table and the escaping are checked on known evidence.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import type { HistoryRecord, Subject } from '../../src/history/types';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, type Workbench } from './support/codeServer';
import { RESULTS } from './support/paths';
import { runCommand } from './support/workbench';

const CONTEXT = 'admin@test-cluster';
const EXTENSION_ID = 'cluster-credentials.cluster-credentials';
const MIN = 60_000;
const HOSTILE = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', '<a href="javascript:alert(3)">click me</a>'];

const apisix: Subject = {
  context: CONTEXT,
  namespace: 'gateway',
  pod: 'apisix-7d9f-x2k4q',
  podUid: 'uid-apisix',
  serviceAccount: 'apisix',
  container: 'apisix',
  path: '/var/run/secrets/kubernetes.io/serviceaccount/token',
};
const apisixPod: Subject = { context: CONTEXT, namespace: 'gateway', pod: 'apisix-7d9f-x2k4q', container: 'apisix' };
const patroniPod: Subject = { context: CONTEXT, namespace: 'db', pod: 'patroni-0', container: 'patroni' };

/** A rotation at T+49 min, 401 lines after it, and three hostile lines; times relative to now. */
function seededRecords(now: number): HistoryRecord[] {
  const t0 = now - 70 * MIN;
  const iatA = Math.floor(t0 / 1000);
  const iatB = Math.floor((t0 + 48 * MIN) / 1000);
  const records: HistoryRecord[] = [
    {
      kind: 'token',
      at: t0 + MIN,
      lastAt: t0 + 45 * MIN,
      subject: apisix,
      source: 'liveRead',
      fingerprint: 'a1b2c3d4e5f60718',
      iat: iatA,
      exp: iatA + 3607,
      jti: 'jti-a',
    },
    {
      kind: 'token',
      at: t0 + 49 * MIN,
      lastAt: t0 + 68 * MIN,
      subject: apisix,
      source: 'liveRead',
      fingerprint: 'b2c3d4e5f6071829',
      iat: iatB,
      exp: iatB + 3607,
      jti: 'jti-b',
    },
    {
      kind: 'unauthorized',
      at: t0 + 55 * MIN,
      subject: apisixPod,
      source: 'log',
      pattern: 'http-401',
      line: 'GET /apis/apisix.apache.org/v2/apisixroutes 401 Unauthorized',
    },
    {
      kind: 'unauthorized',
      at: t0 + 60 * MIN,
      subject: apisixPod,
      source: 'log',
      pattern: 'unauthorized',
      line: 'failed to list *v2.ApisixRoute: Unauthorized',
      count: 4,
    },
    {
      kind: 'unauthorized',
      at: t0 + 62 * MIN,
      subject: patroniPod,
      source: 'log',
      pattern: 'unauthorized',
      line: 'kubernetes: Unauthorized while updating the leader lock',
    },
  ];
  HOSTILE.forEach((line, i) => records.push({ kind: 'unauthorized', at: t0 + (64 + i) * MIN, subject: apisixPod, source: 'log', pattern: 'http-401', line }));
  return records;
}

/** Writes the history file where the extension keeps it: its global storage folder. */
function seedHistory(userDataDir: string, records: HistoryRecord[]): void {
  const dir = join(userDataDir, 'User', 'globalStorage', EXTENSION_ID);
  mkdirSync(dir, { recursive: true });
  const header = JSON.stringify({ format: 'cluster-credentials-history', version: 1 });
  writeFileSync(join(dir, 'history.jsonl'), [header, ...records.map((r) => JSON.stringify(r))].join('\n') + '\n', { mode: 0o600 });
}

describe('Token Health webview in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let webview: FrameLocator;
  const dialogs: string[] = [];
  const cspViolations: string[] = [];
  const seeded = seededRecords(Date.now());
  const seededLines = seeded.filter((r) => r.kind === 'unauthorized').length;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    const dir = mkdtempSync(join(RESULTS, 'token-health-'));
    const kubeconfig = cluster.writeKubeconfig(join(dir, 'kube'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# Token Health test workspace\n');
    wb = await launchCodeServer({
      name: 'tokenHealth',
      folder: workspace,
      env: { KUBECONFIG: kubeconfig },
      prepareUserData: (userData) => seedHistory(userData, seeded),
      beforeLoad: async (page) => {
        page.on('console', (m) => {
          if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(`${m.location().url}: ${m.text()}`);
        });
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
      },
    });
    webview = wb.page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('Show Token Health from the palette draws the timeline and the 401 table of the context', async () => {
    // The extension is up once its view container shows.
    await wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(wb.page, 'Cluster Credentials: Show Token Health');
    await wb.page.locator('.tabs-container .tab', { hasText: 'Token Health' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const svg = webview.locator('svg.timeline');
    await svg.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await webview.locator('#subject-title').textContent()) ?? '', new RegExp(`Context ${CONTEXT}`));
    assert.ok((await svg.locator('rect.segment').count()) >= 4, 'two tokens, each cut at its kubelet refresh point');
    assert.equal(await svg.locator('line.refresh').count(), 1, 'one observed rotation');
    assert.equal(await svg.locator('path.marker-401').count(), seededLines);
    assert.equal(await svg.locator('line.now-line').count(), 1);
    const labels = await svg.locator('text.lane-label').allTextContents();
    assert.ok(
      labels.some((l) => l.includes('gateway/apisix-7d9f-x2k4q (apisix)')),
      labels.join(' | '),
    );
    const rows = webview.locator('table.lines tbody tr');
    assert.equal(await rows.count(), seededLines);
    assert.match((await webview.locator('table.lines thead').textContent()) ?? '', /Time.*Pod.*Container.*Pattern.*Line/);
    await wb.screenshot('token-health');
  });

  test('hostile log lines show as plain text and run nothing', async () => {
    const cells = await webview.locator('table.lines td.line code').allTextContents();
    for (const h of HOSTILE) assert.ok(cells.includes(h), `shown as text: ${h}`);
    assert.equal(await webview.locator('img').count(), 0, 'no <img> made from a log line');
    assert.equal(await webview.locator('#app script, a[href^="javascript:"]').count(), 0);
    assert.deepEqual(dialogs, [], 'no alert ran');
    // vscode-elements styles itself through constructable stylesheets, which the strict style-src allows.
    assert.deepEqual(
      cspViolations.filter((v) => /webview|vscode-cdn|vscode-resource/i.test(v)),
      [],
      'the webview broke none of its CSP',
    );
  });

  test('the filter narrows the table and survives hiding and showing the panel', async () => {
    const filter = webview.locator('#line-filter input');
    await filter.fill('patroni');
    const rows = webview.locator('table.lines tbody tr');
    await waitForCount(rows, 1);
    assert.match((await rows.first().textContent()) ?? '', /leader lock/);

    // Another editor hides the webview (its iframe is discarded: retainContextWhenHidden is off).
    await runCommand(wb.page, 'File: New Untitled Text File');
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: 15_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Token Health' }).first().click();
    await webview.locator('svg.timeline').waitFor({ state: 'visible', timeout: 30_000 });
    await waitForCount(webview.locator('table.lines tbody tr'), 1);
    assert.equal(await webview.locator('#line-filter input').inputValue(), 'patroni');
    await webview.locator('#line-filter input').fill('');
    await waitForCount(webview.locator('table.lines tbody tr'), seededLines);
  });

  test('Copy round-trips to the host, which writes the clipboard', async () => {
    await webview.locator('.table-toolbar vscode-button', { hasText: 'Copy' }).click();
    await wb.page.locator('.statusbar', { hasText: 'Copied' }).waitFor({ state: 'visible', timeout: 15_000 });
  });

  test('a panel button runs its command in the host', async () => {
    await webview.locator('header vscode-button', { hasText: 'Scan for 401 lines' }).click();
    // The scan's answer is a notification; with the webview focused it may go straight to the centre, which
    // is opened now: the answer shows there, or as a toast, whichever comes first.
    await runCommand(wb.page, 'Notifications: Show Notifications');
    const message = wb.page
      .locator('.notifications-center .notification-list-item-message, .notification-toast .notification-list-item-message', { hasText: `context ${CONTEXT}` })
      .first();
    await message.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await message.textContent()) ?? '', /401/);
    await runCommand(wb.page, 'Notifications: Clear All Notifications');
  });

  test('the panel comes back after a window reload', async () => {
    // Everything below could be found on the page as it was before the reload: wait for the new page first.
    const main = wb.page.mainFrame();
    const reloaded = wb.page.waitForEvent('framenavigated', { predicate: (frame) => frame === main, timeout: 60_000 });
    await runCommand(wb.page, 'Developer: Reload Window');
    await reloaded;
    await wb.page.waitForLoadState('domcontentloaded');
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Token Health' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Token Health' }).first().click();
    const restored = wb.page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
    await restored.locator('svg.timeline').waitFor({ state: 'visible', timeout: 60_000 });
    await waitForCount(restored.locator('table.lines tbody tr'), seededLines);
    await wb.screenshot('token-health-restored');
  });
});

async function waitForCount(locator: ReturnType<FrameLocator['locator']>, n: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    last = await locator.count();
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(last, n, `expected ${n} elements`);
}
