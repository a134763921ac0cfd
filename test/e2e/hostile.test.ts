// A hostile cluster end to end, in a real VS Code (code-server) with the packaged VSIX, against the
// test cluster's `hostile` scenario: KUBECONFIG is its 10,000-context kubeconfig, handed over into the
// workspace and open in the editor. A scan of namespace hostile reads the masking line, the 1 MiB
// lines and the tail of the 200 MB log, and ends. A scan of every namespace then hangs on the log read
// the cluster never answers: meanwhile a hover in the kubeconfig answers within 200 ms (the median of
// seven, measured in the page) and the tree expands, and Cancel ends the scan at once (the request
// deadline is ten minutes: nothing else could). Then no raw secret of any format is in the output
// channel's log, the history, VS Code's stored state, a hover, or the Token Health panel.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { Clock } from '../cluster/clock';
import { HOSTILE, hostileIncident, type HostileIncident } from '../cluster/scenarios/hostile';
import { maskingPodLog } from '../cluster/scenarios/hostileLogs';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import { boxOf, describeSamples, dismissHover, HOVER_BUDGET_MS, HOVER_SAMPLES, hoverLatency, median, type HoverSample } from './support/hoverLatency';
import { clearNotifications, eventually, expandItem, notification, pick, treeItem } from './support/incidents';
import { RESULTS } from './support/paths';
import { leaks, listFiles, secretsIn, type Place } from './support/secretLeaks';
import { escapeRegExp, openFile, runCommand } from './support/workbench';

const EXTENSION_ID = 'cluster-credentials.cluster-credentials';
/** What the hover over the app's token in the kubeconfig says first. */
const TOKEN_HOVER = /Service-account token/;

/** Resolves with `state`, or fails naming `what` after `ms`: a wait for a state, bounded. */
async function within(state: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([state, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

describe('a hostile cluster in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let incident: HostileIncident;
  let wb: Workbench;
  let tick: NodeJS.Timeout | undefined;
  let kubeconfigText: string;
  const context = HOSTILE.contextNames.admin;
  /** What the panels and hovers showed, for the leak check at the end. */
  const shown: Place[] = [];

  const step = screenshotOnFailure('hostile', () => wb);

  /** The extension's output channel, as written to disk. */
  function outputLog(): string {
    return listFiles(wb.runDir)
      .filter((f) => f.endsWith('.log') && f.includes('Cluster Credentials'))
      .map(readIfThere)
      .join('\n');
  }

  /** The first piece of a token in the editor (Monaco renders a long token in pieces; its line is found by more of it). */
  function tokenSpan(page: Page, token: string): Locator {
    return page
      .locator('.monaco-editor .view-line', { hasText: token.slice(0, 300) })
      .locator('span span', { hasText: /^eyJ/ })
      .first();
  }

  function appTokenSpan(page: Page): Locator {
    return tokenSpan(page, incident.appToken);
  }

  /** Where `token` starts in the kubeconfig, as the editor counts (1-based line and column). */
  function positionOf(token: string): { line: number; column: number } {
    const at = kubeconfigText.indexOf(token);
    assert.ok(at >= 0, 'the token is in the kubeconfig');
    const lineStart = kubeconfigText.lastIndexOf('\n', at - 1) + 1;
    return { line: kubeconfigText.slice(0, lineStart).split('\n').length, column: at - lineStart + 1 };
  }

  /** The text of every hover on screen, for a failure message. */
  async function hoversShown(page: Page): Promise<string> {
    const texts = await page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').allInnerTexts();
    return texts.length === 0 ? 'no hover' : texts.map((t) => JSON.stringify(t.slice(0, 160))).join(' | ');
  }

  /**
   * Hovers a token, as hoverSpan does for a prefix, and returns the hover once it shows `heading`. A
   * line too long for the editor to colour is one span from its indentation on: the token's place in
   * it is then counted in characters, which are all as wide. A hover asked for while the editor was
   * still laying the file out can be dropped or land beside the token: each try measures the token
   * again, and the last puts the cursor on it and asks for the hover from the keyboard, as a user
   * would who cannot aim.
   */
  async function hoverToken(page: Page, token: string, heading: RegExp): Promise<Locator> {
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content', { hasText: heading }).first();
    const seen: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (attempt < 3) {
        const span = page
          .locator('.monaco-editor .view-line', { hasText: token.slice(0, 300) })
          .locator('span span', { hasText: /eyJ/ })
          .first();
        const box = await boxOf(span);
        const text = (await span.textContent()) ?? '';
        const x = box.x + (text.indexOf('eyJ') * box.width) / Math.max(1, text.length);
        await page.mouse.move(x + 3, box.y + box.height / 2);
        await page.mouse.move(x + 12, box.y + box.height / 2);
      } else {
        const { line, column } = positionOf(token);
        await page.keyboard.press('Control+G');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill(`:${line}:${column + 4}`);
        await page.keyboard.press('Enter');
        await input.waitFor({ state: 'hidden' });
        await runCommand(page, 'Show or Focus Hover');
      }
      try {
        await hover.waitFor({ state: 'visible', timeout: 15_000 });
        return hover;
      } catch {
        seen.push(`try ${attempt}: ${await hoversShown(page)}`);
        await wb.screenshot(`hostile-hover-try-${attempt}`).catch(() => undefined);
        await page.mouse.move(0, 0);
        await page.keyboard.press('Escape');
      }
    }
    throw new Error(`no hover saying ${heading} over the token after three tries (${seen.join('; ')})`);
  }

  function historyFile(): string {
    return join(wb.runDir, 'user-data', 'User', 'globalStorage', EXTENSION_ID, 'history.jsonl');
  }

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['hostile'], clock: new Clock(Date.now(), { realTime: true }) });
    tick = setInterval(() => cluster.advance(0), 1000);
    const found = hostileIncident(cluster);
    assert.ok(found);
    incident = found;
    const workspace = join(mkdtempSync(join(RESULTS, 'hostile-')), 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# A hostile cluster\n');
    const written = cluster.writeFiles(workspace);
    const kubeconfig = join(workspace, ...HOSTILE.kubeconfigFile.split('/'));
    assert.ok(written.includes(kubeconfig), written.join(', '));
    kubeconfigText = readFileSync(kubeconfig, 'utf8');
    wb = await launchCodeServer({
      name: 'hostile',
      folder: workspace,
      env: { KUBECONFIG: kubeconfig },
      settings: {
        // Only Cancel can end a read the cluster never answers: the deadline is the longest there is.
        'clusterCredentials.requestTimeoutSeconds': 600,
        // The pause before VS Code asks for a hover is the user's (300 ms by default); the answer is
        // the extension's, and that is what the 200 ms are for.
        'editor.hover.delay': 0,
      },
    });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await treeItem(wb.page, new RegExp(`^${escapeRegExp(context)}`)).waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    if (tick) clearInterval(tick);
    await wb?.stop();
    await cluster?.stop();
  });

  test('the 10,000-context kubeconfig opens and its tokens hover, the 5,000-deep one cut at a depth', async () => {
    const { page } = wb;
    await step('open-kubeconfig', () => openFile(page, HOSTILE.kubeconfigFile));
    // The app's token is in the last lines, after the 10,000 contexts.
    await page.keyboard.press('Control+End');
    const hover = await step('first-hover', () => hoverToken(page, incident.appToken, TOKEN_HOVER));
    const text = await hover.innerText();
    assert.match(text, new RegExp(escapeRegExp(`${HOSTILE.namespace}/${HOSTILE.serviceAccount}`)));
    shown.push({ name: 'the hover of the app token', text });
    await dismissHover(page, true);
    // The user whose token nests its claims 5,000 levels deep: shown, cut at a depth.
    const deep = await (await step('deep-hover', () => hoverToken(page, incident.deepToken, /Legacy service-account token/))).innerText();
    assert.match(deep, /nested too deep/);
    shown.push({ name: 'the hover of the deep-claims token', text: deep });
    await dismissHover(page, true);
  });

  test('Scan for 401 Errors over namespace hostile reads the masking line, the 1 MiB lines and the 200 MB log, and ends', async () => {
    const { page } = wb;
    await clearNotifications(page);
    await runCommand(page, 'Cluster Credentials: Scan for 401 Errors');
    await pick(page, /^\s*hostile\s*$/);
    const said = await step('scan-namespace', () => notification(page, /(finding\(s\)|No 401 problem found) in namespace hostile\b/, 120_000));
    assert.doesNotMatch(said, /hostile-silent/);
    // The 401 lines of both pods are in the history, which is written when a scan ends.
    await eventually(
      'the history holds 401 lines of masking-line and huge-log',
      () => {
        const history = readIfThere(historyFile());
        return history.includes(`"pod":"${HOSTILE.maskingPod.name}"`) && history.includes(`"pod":"${HOSTILE.hugePod.name}"`);
      },
      30_000,
    );
    await clearNotifications(page);
  });

  test('while a scan of every namespace hangs on a log read: a hover answers within 200 ms, the tree expands, Cancel ends it at once', async (t) => {
    const { page } = wb;
    // The smoke-test driver the suite runs code-server with keeps notifications out of toasts: the
    // scan's progress and its Cancel button are in the notification center.
    const progress = page
      .locator('.notifications-center .notification-list-item', { hasText: new RegExp(`Scanning context ${escapeRegExp(context)} for 401 errors`) })
      .first();
    const showProgress = async (): Promise<void> => {
      if (!(await progress.isVisible())) await runCommand(page, 'Notifications: Show Notifications');
      await progress.waitFor({ state: 'visible', timeout: 15_000 });
    };
    const heldBefore = incident.held.abandoned;
    await clearNotifications(page);
    // For comparison, the same hover with no scan running.
    const idle: HoverSample[] = [];
    for (let i = 0; i < HOVER_SAMPLES; i++) idle.push(await step(`idle-hover-${i}`, () => hoverLatency(page, appTokenSpan(page), TOKEN_HOVER)));
    await dismissHover(page);
    await runCommand(page, 'Cluster Credentials: Scan for 401 Errors');
    await pick(page, 'All namespaces');
    await step('scan-hangs', async () => {
      // The scan read the logs of namespace hostile and now waits on never-answers.
      await within(
        incident.held.until((h) => h.open === 1),
        60_000,
        'the scan reaches the log read that is never answered',
      );
      await showProgress();
    });

    // The one place a time is the behaviour: the issue asks that a hover answer within 200 ms while a
    // scan runs. Measured in the page, from the pointer's move to the hover painted, with
    // editor.hover.delay at 0 (see the settings above).
    const span = appTokenSpan(page);
    const samples: HoverSample[] = [];
    for (let i = 0; i < HOVER_SAMPLES; i++) {
      const sample = await step(`hover-${i}`, () => hoverLatency(page, span, TOKEN_HOVER));
      samples.push(sample);
      shown.push({ name: `hover ${i + 1} during the scan`, text: sample.text });
    }
    await wb.screenshot('hostile-hover-during-scan');
    t.diagnostic(`hover latency in ms during the scan: ${describeSamples(samples)}`);
    t.diagnostic(`hover latency in ms with no scan: ${describeSamples(idle)}`);
    assert.ok(await progress.isVisible(), 'the scan was still running while the hovers were measured');
    assert.equal(incident.held.open, 1, 'and still waiting on the log read');
    assert.ok(median(samples.map((v) => v.ms)) < HOVER_BUDGET_MS, `hovers during the scan took ${describeSamples(samples)}`);
    await dismissHover(page);

    // The tree answers meanwhile: the namespace, the service account, and the Secret with the 5,000-deep JWT.
    await step('tree', async () => {
      await expandItem(page, new RegExp(`^${escapeRegExp(HOSTILE.namespace)}(?![-\\w])`), 15_000);
      await expandItem(page, new RegExp(`^${escapeRegExp(HOSTILE.deepSecret.serviceAccount)}(?![-\\w])`), 15_000);
      const secret = treeItem(page, new RegExp(`^${escapeRegExp(HOSTILE.deepSecret.name)}`));
      await secret.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match((await secret.getAttribute('aria-label')) ?? '', /legacy token/);
      await expandItem(page, new RegExp(`^${escapeRegExp(HOSTILE.silentNamespace)}(?![-\\w])`), 15_000);
      await expandItem(page, new RegExp(`^${escapeRegExp(HOSTILE.silentPod.serviceAccount)}(?![-\\w])`), 15_000);
      await treeItem(page, new RegExp(`^${escapeRegExp(HOSTILE.silentPod.name)}`)).waitFor({ state: 'visible', timeout: 15_000 });
    });
    await wb.screenshot('hostile-tree-during-scan');
    assert.equal(incident.held.open, 1, 'the scan was still running while the tree was used');

    // Cancel: the scan ends, and the read in flight is let go, long before any deadline could end it.
    await step('cancel', async () => {
      await showProgress();
      const clickedAt = Date.now();
      await progress.getByRole('button', { name: 'Cancel' }).click();
      // The measured times are the diagnostic; the bounds only leave a loaded machine room.
      await progress.waitFor({ state: 'hidden', timeout: 30_000 });
      const endedMs = Date.now() - clickedAt;
      await within(
        incident.held.until((h) => h.abandoned > heldBefore && h.open === 0),
        30_000,
        'the log read in flight is let go',
      );
      t.diagnostic(`Cancel to the progress gone: ${endedMs} ms; to the held log read let go: ${Date.now() - clickedAt} ms`);
    });
    await step('cancelled-in-log', () =>
      eventually('the output channel says the scan was cancelled', () => outputLog().includes(`Scan for 401 errors in context ${context} cancelled.`), 30_000),
    );
    assert.doesNotMatch(outputLog(), new RegExp(`Scan of context ${escapeRegExp(context)}: \\d+ new 401 line`), 'the cancelled scan reported nothing');
    await clearNotifications(page);
  });

  test('Token Health shows the hostile lines, masked', async () => {
    const { page } = wb;
    await runCommand(page, 'Cluster Credentials: Show Token Health');
    const frame = page.frameLocator('iframe.webview:visible').first().frameLocator('#active-frame');
    const rows = frame.locator('table.lines tbody tr');
    await step('panel-lines', async () => {
      await rows.filter({ hasText: HOSTILE.maskingPod.name }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await rows.filter({ hasText: HOSTILE.hugePod.name }).first().waitFor({ state: 'visible', timeout: 30_000 });
    });
    const lines = await frame.locator('table.lines tbody td.line').allTextContents();
    assert.ok(
      lines.some((l) => l.includes('[masked]')),
      'secrets show as [masked]',
    );
    assert.ok(
      lines.some((l) => /eyJ…\[token sha256:[0-9a-f]{8}\]/.test(l)),
      'the JWT shows as its fingerprint',
    );
    assert.ok(
      lines.every((l) => l.length < 4000),
      'no 1 MiB line is shown whole',
    );
    assert.ok(
      lines.some((l) => l.startsWith('401 Unauthorized authorization:')),
      'the masking line went through, cut short',
    );
    await wb.screenshot('hostile-token-health');
    shown.push({ name: 'the Token Health panel', text: await frame.locator('html').evaluate((e) => e.outerHTML) });
  });

  test('no raw secret of any format reaches the output channel, the history, any log, or a view', async () => {
    // Every secret the scenario planted, found by format in the texts that hold them.
    const planted = [
      ...maskingPodLog(incident.secrets),
      ...[0, 1, 2, 3].map((n) => incident.hugeLog.line((n + 1) * HOSTILE.hugeLog.unauthorizedEvery - 1).text),
      kubeconfigText,
    ].join('\n');
    const secrets = secretsIn(planted);
    const kinds = new Set(secrets.map((s) => s.kind));
    for (const kind of [
      'JWT',
      'JWT signature',
      'URL password',
      'password value',
      'PEM private key line',
      'OpenShift token',
      'EKS token',
      'cookie value',
      'kubeconfig token',
    ]) {
      assert.ok(kinds.has(kind), `the planted secrets include a ${kind}`);
    }
    const values = new Set(secrets.map((s) => s.value));
    for (const [name, value] of Object.entries(incident.secrets)) {
      if (name !== 'privateKeyPem') assert.ok(values.has(value), `the format grep finds the planted ${name}`);
    }

    const output = outputLog();
    assert.match(output, /Scan of namespace hostile: \d+ new 401 line\(s\)/, 'the output channel logged the scan');
    const history = readIfThere(historyFile());
    assert.ok(history.includes('[masked]'), 'the history holds the masked lines');
    // Every log the run wrote, and everything VS Code kept: the history, global and workspace state (a webview's saved state included).
    const userData = join(wb.runDir, 'user-data');
    const files = listFiles(wb.runDir).filter((f) => f.endsWith('.log') || f.startsWith(userData));
    const places: Place[] = [...files.map((f) => ({ name: f, text: readIfThere(f) })), ...shown];
    const found = leaks(places, secrets);
    assert.deepEqual(found, [], found.join('\n'));
  });
});
