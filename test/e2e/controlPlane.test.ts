// The control plane's own evidence end to end (issue 11), in a real VS Code (code-server) with the packaged
// VSIX, against the test cluster's `stale-tokens` scenario: its audit log handed over into the workspace and
// written on there (rotated beside itself) while the cluster's clock runs, and clusterCredentials.audit.paths
// set to that folder (in the Remote settings: code-server's workbench is a remote window, where a
// machine-overridable setting counts only there). The Findings node names the three pods that keep their first token (not the one that
// re-reads it) and the legacy token of ci/release-bot, and says what it reads; a context's Token Health
// panel shows the API server's stale-token use per minute. Once the CI bot's legacy token Secret is deleted,
// its calls are refused: the audit log's 401s come from the bot's pod IP, and the pod's Token Health timeline
// draws them in its 401 lane. Then, in the same workbench: with the setting
// emptied, the Findings node's last line says the audit evidence is off, names the setting and opens it;
// and a service account that may not get /metrics sees the missing permission in one line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { Clock } from '../cluster/clock';
import { R } from '../cluster/resources';
import { handOverLiveFiles } from '../cluster/scenarios/index';
import { STALE_TOKENS, staleTokensIncident, type StaleTokenClient, type StaleTokensIncident } from '../cluster/scenarios/staleTokens';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import { contextMenu, mergeKubeconfigs } from './support/commandPaths';
import { collapseItem, eventually, expandItem, openFindingPanel, switchContext, tooltipOf, treeItem } from './support/incidents';
import { RESULTS } from './support/paths';
import { readSettingsFile, remoteSettingsFile, replaceRemoteSettings, writeRemoteSettings } from './support/settings';
import { escapeRegExp, runCommand } from './support/workbench';

const SETTING = 'clusterCredentials.audit.paths';
/** The service account whose context may not get /metrics (its role reads and updates one ConfigMap). */
const NO_METRICS_ACCOUNT = 'payments/ledger-sync';
/** The sampler's shortest interval: two samples make the first rate. */
const METRICS_INTERVAL_SECONDS = 15;
/** How far back the cluster's clock starts: that much of the workloads' calls is in the audit log at the start. */
const CATCH_UP_MS = 10 * 60_000;

/** The tree item of the finding that `client`'s pod sends a stale token. */
function staleFinding(page: Page, client: StaleTokenClient): ReturnType<typeof treeItem> {
  return treeItem(page, new RegExp(`^${escapeRegExp(`${client.namespace}/${client.pod}`)} uses a stale token`));
}

/** The Token Health panel's webview, once its page has drawn. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview:visible').first().frameLocator('#active-frame');
}

/** "2.5 per minute (…)" → 2.5; "< 0.1 per minute" → a small positive number; undefined when not a rate. */
function perMinute(text: string): number | undefined {
  if (/^\s*< 0\.1 per minute/.test(text)) return 0.05;
  const m = /^\s*(\d+(?:\.\d+)?) per minute/.exec(text);
  return m ? Number(m[1]) : undefined;
}

describe('the control plane’s evidence in code-server', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let incident: StaleTokensIncident;
  let wb: Workbench;
  let tick: NodeJS.Timeout | undefined;
  let auditDir: string;
  let adminContext = '';
  let saContext = '';

  const step = screenshotOnFailure('control-plane', () => wb);

  /** The Remote settings as they are now, changed by `edit`, saved from their settings.json editor. */
  async function editRemoteSettings(edit: (settings: Record<string, unknown>) => void): Promise<void> {
    const userData = join(wb.runDir, 'user-data');
    const settings = readSettingsFile(remoteSettingsFile(userData));
    edit(settings);
    await replaceRemoteSettings(wb.page, userData, settings);
  }

  /** Opens the Token Health panel of a context from its node's menu; returns the panel's Control plane section. */
  async function openContextPanel(context: string): Promise<ReturnType<FrameLocator['locator']>> {
    const { page } = wb;
    await runCommand(page, 'View: Close All Editors');
    await contextMenu(page, treeItem(page, new RegExp(`^${escapeRegExp(context)}`)), 'Show Token Health');
    await page.locator('.tabs-container .tab.active', { hasText: context }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const section = panelFrame(page).locator('section#control-plane');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    return section;
  }

  before(async () => {
    // The cluster's clock runs with the wall clock (the workloads go on calling, the apiserver on writing its
    // audit log and counting, while the workbench looks), started ten minutes back so the log has that much in it.
    cluster = await startTestCluster({ scenarios: ['stale-tokens'], clock: new Clock(Date.now() - CATCH_UP_MS, { realTime: true }) });
    const found = staleTokensIncident(cluster);
    assert.ok(found);
    incident = found;
    const dir = mkdtempSync(join(RESULTS, 'control-plane-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# control plane e2e\n');
    // The audit log goes to <workspace>/audit/audit.log and is written on there.
    handOverLiveFiles(cluster.files, cluster.writeFiles(workspace));
    auditDir = join(workspace, ...STALE_TOKENS.auditFile.split('/').slice(0, -1));
    assert.equal(incident.audit.activePath, join(auditDir, 'audit.log'));
    // Ten minutes of the workloads' calls, a minute at a time, up to the present (never past it: the
    // extension's clock is the wall clock); the log has rotated, so there are backups beside it.
    while (cluster.clock.nowMs() < Date.now() - 61_000) {
      cluster.advance(60);
      await incident.settled();
    }
    cluster.advance(Math.max(0, Date.now() - cluster.clock.nowMs() - 1000) / 1000);
    await incident.settled();
    assert.ok(incident.audit.rotations >= 1, `rotated ${incident.audit.rotations} times`);
    tick = setInterval(() => cluster.advance(0), 1000);
    // The admin's context (current, may get /metrics) and a service account's that may not.
    const merged = mergeKubeconfigs([cluster.kubeconfigFor('admin'), cluster.kubeconfigFor({ serviceAccount: NO_METRICS_ACCOUNT })]);
    [adminContext = '', saContext = ''] = merged.contexts;
    assert.notEqual(adminContext, saContext);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, merged.yaml, { mode: 0o600 });
    wb = await launchCodeServer({
      name: 'control-plane',
      folder: workspace,
      env: { KUBECONFIG: kubeconfig },
      settings: { 'clusterCredentials.metrics.intervalSeconds': METRICS_INTERVAL_SECONDS },
      // A machine-overridable setting: in code-server's remote window only the Remote settings set it.
      prepareUserData: (dir) => writeRemoteSettings(dir, { [SETTING]: [auditDir] }),
    });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await treeItem(wb.page, new RegExp(`^${escapeRegExp(adminContext)}`)).waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    if (tick) clearInterval(tick);
    await wb?.stop();
    await cluster?.stop();
  });

  describe('with clusterCredentials.audit.paths set to the audit folder', () => {
    test('Findings names the three pods that keep their first token, not the one that re-reads it, and the legacy token', async () => {
      const { page } = wb;
      // The context's namespaces closed, so Findings and its lines are on screen.
      await collapseItem(page, new RegExp(`^${escapeRegExp(adminContext)}`));
      await expandItem(page, /^Findings\b/);
      const firstToken = incident.clients.filter((c) => c.holds === 'first-token');
      assert.deepEqual(firstToken.map((c) => c.namespace).sort(), ['db', 'ingress-apisix', 'payments']);
      for (const c of firstToken) {
        await step(`stale-${c.pod}`, () => staleFinding(page, c).waitFor({ state: 'visible', timeout: 60_000 }));
      }
      const { namespace, name } = STALE_TOKENS.legacySecret;
      await step('legacy', () =>
        treeItem(page, new RegExp(`^Legacy token ${escapeRegExp(`${namespace}/${name}`)} is in use`)).waitFor({ state: 'visible', timeout: 60_000 }),
      );
      const rereads = incident.clients.find((c) => c.holds === 'fresh-token');
      assert.ok(rereads);
      assert.equal(await staleFinding(page, rereads).count(), 0, `${rereads.namespace}/${rereads.pod} re-reads its token`);
      assert.equal(await page.getByRole('treeitem', { name: / uses a stale token/ }).count(), 3);
      // The last line says what is read: the rotated backups once, the active file followed.
      const line = treeItem(page, /^Audit evidence: \d+ files read, 1 followed/);
      await step('audit-line', () => line.waitFor({ state: 'visible', timeout: 30_000 }));
      assert.ok(((await line.getAttribute('aria-label')) ?? '').includes(auditDir), 'it names the folder read');
      await wb.screenshot('control-plane-findings');
    });

    test('the context’s Token Health panel shows stale-token use per minute from /metrics, above zero', async () => {
      const section = await step('panel', () => openContextPanel(adminContext));
      const stale = section.locator('.cp-rate.metric-stale .cp-latest');
      // The first rate comes with the second sample, an interval after the first; the workloads call meanwhile.
      let last = '';
      await step('stale-rate', () =>
        eventually(
          'a stale-token rate above zero',
          async () => {
            last = (await stale.count()) > 0 ? await stale.innerText() : '';
            return (perMinute(last) ?? 0) > 0;
          },
          (4 * METRICS_INTERVAL_SECONDS + 30) * 1000,
          500,
        ).catch((err: unknown) => {
          throw new Error(`${String(err)}; the stale row said ${JSON.stringify(last)}`);
        }),
      );
      assert.match(await section.locator('.cp-rate.metric-stale .cp-label').innerText(), /^Stale tokens used$/);
      assert.match(await section.locator('p.meta').first().innerText(), new RegExp(`^Sampled every ${METRICS_INTERVAL_SECONDS} s while this panel is open`));
      assert.equal(await section.locator('.cp-state', { hasText: /No permission/ }).count(), 0);
      await section.scrollIntoViewIfNeeded();
      await wb.screenshot('control-plane-gauge');
      await runCommand(wb.page, 'View: Close All Editors');
    });
    test('once the bot’s legacy token Secret is deleted, its 401s are tied to its pod by IP and drawn on the pod’s timeline', async () => {
      const { page } = wb;
      const bot = incident.clients.find((c) => c.holds === 'legacy-token');
      assert.ok(bot);
      const { namespace, name } = STALE_TOKENS.legacySecret;
      // The Secret goes (as the legacy-token cleaner or a tidy-up would): the token it held is invalidated, and the
      // bot's next call (one a minute) is refused. A 401's audit event has no user, only the caller's address.
      assert.equal(cluster.store.remove(R.secrets, namespace, name).ok, true);
      const refused = treeItem(page, new RegExp(`^401s from ${escapeRegExp(`${bot.namespace}/${bot.pod}`)}\\b`));
      await expandItem(page, /^Findings\b/);
      await step('bot-401s', () => refused.waitFor({ state: 'visible', timeout: 150_000 }));
      assert.ok((bot.running.answers.get(401) ?? 0) >= 1, 'the bot was refused');
      const panel = await step('bot-panel', () =>
        openFindingPanel(page, refused, new RegExp(`Token Health: Pod ${escapeRegExp(`${bot.namespace}/${bot.pod}`)}`)),
      );
      const spans = panel.locator('svg.timeline rect.audit-401');
      await step('audit-span', () => spans.first().waitFor({ state: 'attached', timeout: 30_000 }));
      const title = (await spans.first().locator('title').textContent()) ?? '';
      assert.match(title, /^401 in the API server's audit log: \d+ requests? refused\n/, title);
      assert.ok(title.includes(`the address of pod ${bot.namespace}/${bot.pod}`), title);
      assert.equal(await panel.locator('svg.timeline rect.audit-401.pod-deleted').count(), 0, 'the bot’s pod still runs');
      await panel.locator('#timeline').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await wb.screenshot('control-plane-audit-401-timeline');
      await runCommand(page, 'View: Close All Editors');
    });
  });

  describe('what is missing, said in one line each', () => {
    test('with no audit path, the Findings node’s last line says audit evidence is off, names the setting and opens it', async () => {
      const { page } = wb;
      await step('settings', () =>
        editRemoteSettings((s) => {
          assert.ok(SETTING in s);
          delete s[SETTING];
        }),
      );
      await expandItem(page, /^Findings\b/);
      const off = treeItem(page, /^Audit evidence is off\b/);
      await step('off-line', () => off.waitFor({ state: 'visible', timeout: 60_000 }));
      assert.match((await off.getAttribute('aria-label')) ?? '', new RegExp(`set ${escapeRegExp(SETTING)}`));
      const tooltip = await step('off-tooltip', () => tooltipOf(page, off, /Audit evidence is off/));
      assert.ok(tooltip.includes(`set ${SETTING} to the API server's audit log`), tooltip);
      await wb.screenshot('control-plane-audit-off');
      await off.click();
      await step('settings-editor', () =>
        page
          .locator('.settings-editor .setting-item', { hasText: /Audit:\s*Paths/ })
          .first()
          .waitFor({ state: 'visible', timeout: 30_000 }),
      );
      await wb.screenshot('control-plane-audit-setting');
      await runCommand(page, 'View: Close All Editors');
    });

    test('a user who may not get /metrics sees the missing permission in the Control plane section', async () => {
      const { page } = wb;
      await step('switch', () => switchContext(page, saContext));
      const section = await step('sa-panel', () => openContextPanel(saContext));
      // One line for /metrics (the API server's own log may have its own line: pods/log in kube-system).
      const state = section.locator('.cp-state', { hasText: /nonResourceURL \/metrics/ });
      await step('no-permission', () => state.waitFor({ state: 'visible', timeout: 60_000 }));
      const text = await state.innerText();
      assert.match(text, /^No permission: get on the nonResourceURL \/metrics \(ClusterRole rule nonResourceURLs: \["\/metrics"\], verbs: \["get"\]\)\./);
      assert.equal(await section.locator('.cp-rate').count(), 0, 'no rates without samples');
      await section.scrollIntoViewIfNeeded();
      await wb.screenshot('control-plane-no-metrics');
    });
  });
});
