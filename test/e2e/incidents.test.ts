// The five incidents end to end, in a real VS Code (code-server) with the packaged VSIX, against one
// in-process test cluster running the demo set (healthy + patroni-expired, apisix-not-reloading,
// kubelet-refresh-stalled, multus-kubeconfig-expired, rancher-concurrent-401), as `npm start` runs it:
// KUBECONFIG lists the admin kubeconfig and Rancher's ACE kubeconfig, and node-1's Multus kubeconfig
// is open in the editor. A user probes the Rancher token, scans for 401 errors from the palette, and
// reads each finding in the explorer's Findings node and the Token Health panel. Then a cluster
// running only `healthy` gives no finding.
//
// Time: the cluster's clock starts a little over one APISIX token rotation behind the wall clock and
// runs in real time. The first scan sees the token APISIX's file holds then; the clock then catches
// up with the wall clock (the kubelet rotates the file on the way), and the next scan sees the new
// token: the rotation the Token Health timeline draws is one the extension observed itself.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { parse } from 'yaml';
import { Clock } from '../cluster/clock';
import { R } from '../cluster/resources';
import { APISIX_NOT_RELOADING } from '../cluster/scenarios/apisixNotReloading';
import { TOKEN_PATH } from '../cluster/scenarios/history';
import { DEMO_SCENARIOS } from '../cluster/scenarios/index';
import { KUBELET_REFRESH_STALLED } from '../cluster/scenarios/kubeletRefreshStalled';
import { MULTUS_KUBECONFIG_EXPIRED } from '../cluster/scenarios/multusKubeconfigExpired';
import { PATRONI_EXPIRED } from '../cluster/scenarios/patroniExpired';
import { RANCHER_CONCURRENT_401, rancherIncident } from '../cluster/scenarios/rancherConcurrent401';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import {
  anywhere,
  clearNotifications,
  collapseItem,
  eventually,
  expandItem,
  lastLogLineMs,
  notification,
  pick,
  scanAllNamespaces,
  openFindingPanel,
  showTooltip,
  switchContext,
  tooltipOf,
  treeItem,
  widenSideBar,
} from './support/incidents';
import { RESULTS, ROOT } from './support/paths';
import { escapeRegExp, openFile, runCommand } from './support/workbench';

/** Seconds from the scenario's start to the kubelet's next rewrite of APISIX's one-hour token. */
function secondsToNextApisixRotation(): number {
  const { tokenSeconds, startedSecondsAgo } = APISIX_NOT_RELOADING;
  // The kubelet rewrites at exp - 20 % of the granted seconds, acting a second later.
  const period = tokenSeconds - Math.floor((tokenSeconds * 20) / 100) + 1;
  return period - (startedSecondsAgo % period);
}

/** How far behind the wall clock the incident cluster starts: just past one rotation. */
const CLOCK_LAG_MS = (secondsToNextApisixRotation() + 60) * 1000;

/** Tooltips of tree items show soon after the pointer rests. */
const HOVER_SETTINGS = { 'workbench.hover.delay': 200 };

function podName(cluster: TestCluster, namespace: string, prefix: string): string {
  const pod = cluster.store.list(R.pods, namespace).find((p) => p.metadata.name.startsWith(prefix) && p.metadata.deletionTimestamp === undefined);
  assert.ok(pod, `a pod ${namespace}/${prefix}… runs`);
  return pod.metadata.name;
}

/** `2026-11-30 05:40:12` (the panel's local-time format) at the start of the text, as epoch ms. */
function panelTime(text: string): number {
  const m = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text);
  assert.ok(m, `a time in "${text}"`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

async function texts(locator: Locator): Promise<string[]> {
  return locator.allTextContents();
}

describe('the five incidents in code-server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let tick: NodeJS.Timeout | undefined;
  let adminContext: string;
  let multusFile: string;
  let apisixPod: string;
  let apisixUid: string;
  let rendererPod: string;
  /** The title of each incident's finding, as the Findings node lists it. */
  let titles: Record<'patroni' | 'apisix' | 'kubelet' | 'multus' | 'rancher', RegExp>;

  /** Keeps a screenshot of the moment a step failed. */
  const step = screenshotOnFailure('incidents', () => wb);

  before(async () => {
    cluster = await startTestCluster({ scenarios: [...DEMO_SCENARIOS], clock: new Clock(Date.now() - CLOCK_LAG_MS, { realTime: true }) });
    // Real time moves the kubelets and the repeating logs too, as in `npm run cluster`.
    tick = setInterval(() => cluster.advance(0), 1000);
    const dir = mkdtempSync(join(RESULTS, 'incidents-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const admin = cluster.writeKubeconfig(workspace);
    const written = cluster.writeFiles(workspace);
    const ace = written.find((f) => f.endsWith(join(...RANCHER_CONCURRENT_401.kubeconfigFile.split('/'))));
    const multus = written.find((f) => f.endsWith(join(...MULTUS_KUBECONFIG_EXPIRED.kubeconfigFile.split('/'))));
    assert.ok(ace && multus, `the scenarios wrote their files: ${written.join(', ')}`);
    multusFile = multus;
    adminContext = (parse(cluster.kubeconfigFor('admin')) as { 'current-context': string })['current-context'];
    writeFileSync(join(workspace, 'README.md'), '# The five incidents\n');

    apisixPod = podName(cluster, APISIX_NOT_RELOADING.namespace, `${APISIX_NOT_RELOADING.deployment}-`);
    apisixUid = cluster.store.peek(R.pods, APISIX_NOT_RELOADING.namespace, apisixPod)?.metadata.uid ?? '';
    rendererPod = podName(cluster, KUBELET_REFRESH_STALLED.namespace, `${KUBELET_REFRESH_STALLED.deployment}-`);
    // The catch-up below passes APISIX's next rotation, and nothing before it does.
    const due = cluster.kubelet.forPod(apisixUid)?.refreshDueSeconds(apisixUid, TOKEN_PATH);
    assert.ok(due !== undefined && due > cluster.clock.nowSeconds() + 60 && due * 1000 < Date.now(), 'APISIX rotates during the catch-up');

    titles = {
      patroni: new RegExp(`^${escapeRegExp(`${PATRONI_EXPIRED.namespace}/${PATRONI_EXPIRED.pod}`)} sends an expired token it never re-read`),
      apisix: new RegExp(
        `^${escapeRegExp(`${APISIX_NOT_RELOADING.namespace}/${apisixPod}`)} (does not reload its rotated token|sends an expired token it never re-read)`,
      ),
      kubelet: new RegExp(`^Kubelet stopped refreshing the token of ${escapeRegExp(`${KUBELET_REFRESH_STALLED.namespace}/${rendererPod}`)}`),
      multus: new RegExp(`^Kubeconfig token expired: ${escapeRegExp(multusFile)} \\(user multus\\)`),
      rancher: new RegExp(`^401 under concurrency for ${escapeRegExp(RANCHER_CONCURRENT_401.context)}`),
    };

    // As a user sets it: both kubeconfigs, the admin one first (its current context wins).
    wb = await launchCodeServer({ name: 'incidents', folder: workspace, env: { KUBECONFIG: [admin, ace].join(delimiter) }, settings: HOVER_SETTINGS });
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

  test('rancher-concurrent-401: Probe Token Under Concurrency with the ACE context gets 401s among successes', async () => {
    const { page } = wb;
    await step('switch-to-ace', () => switchContext(page, RANCHER_CONCURRENT_401.context));
    // The explorer's own requests with this token compete in Rancher's webhook too; a burst that
    // loses every write to them reads as "every answer was 401", so the probe may be run again.
    let said = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      await clearNotifications(page);
      await runCommand(page, 'Cluster Credentials: Probe Token Under Concurrency');
      await pick(page, `The credential of context ${RANCHER_CONCURRENT_401.context}`);
      said = await step('probe', () => notification(page, /^Probe of context/));
      if (/401 under concurrency/.test(said)) break;
    }
    const m = /: (\d+) passed, (\d+) got 401/.exec(said);
    assert.ok(m, `the probe says what it counted: ${said}`);
    assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0, `401s among successes: ${said}`);
    assert.ok((rancherIncident(cluster)?.counts.conflicts ?? 0) > 0, "Rancher's webhook refused requests that lost the lastUsedAt write");
    await step('finding-rancher', async () => {
      await expandItem(page, /^Findings\b/);
      await treeItem(page, titles.rancher).waitFor({ state: 'visible', timeout: 30_000 });
    });
    await clearNotifications(page);
  });

  test('Scan for 401 Errors from the palette: each incident shows its finding with evidence in the Findings node', async () => {
    const { page } = wb;
    // Back to the admin context (the probe left the ACE one current).
    await step('switch-to-admin', () => switchContext(page, adminContext));
    await step('open-multus', () => openFile(page, MULTUS_KUBECONFIG_EXPIRED.kubeconfigFile));

    const first = await step('scan-1', () => scanAllNamespaces(page, adminContext));
    assert.match(first, /finding\(s\) in context/);
    // The cluster's clock catches up with the wall clock; on the way the kubelet rewrites APISIX's token.
    const writtenBefore = cluster.kubelet.written(apisixUid, TOKEN_PATH).length;
    cluster.advance(Math.max(0, Date.now() - cluster.clock.nowMs()) / 1000);
    assert.ok(cluster.kubelet.written(apisixUid, TOKEN_PATH).length > writtenBefore, 'the kubelet rotated the APISIX token file');
    const second = await step('scan-2', () => scanAllNamespaces(page, adminContext));
    assert.match(second, /finding\(s\) in context/);

    await step('findings', async () => {
      await expandItem(page, /^Findings\b/);
      for (const [name, title] of Object.entries(titles)) {
        await treeItem(page, title)
          .waitFor({ state: 'visible', timeout: 30_000 })
          .catch((err: unknown) => {
            throw new Error(`the ${name} finding is not in the Findings node: ${String(err)}`);
          });
      }
    });
    const listed = await page
      .getByRole('treeitem')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('aria-level') ?? ''} ${r.getAttribute('aria-label') ?? r.textContent ?? ''}`));
    // The five, and nothing from the healthy part of the demo.
    assert.match((await treeItem(page, /^Findings\b/).getAttribute('aria-label')) ?? '', /^Findings,? 5$/, listed.join('\n'));

    // Each finding's tooltip carries its evidence.
    const evidence: Record<keyof typeof titles, RegExp[]> = {
      patroni: [/ApiException\(401, 'Unauthorized'\)/, /restart the pod now and make the app re-read its token file/],
      apisix: [/rotation: the kubelet wrote a new token/, /list failed, kind: Endpoints, reason: Unauthorized/],
      kubelet: [
        /kubelet refresh point/,
        /PVC deletion requested/,
        new RegExp(`PVC ${KUBELET_REFRESH_STALLED.namespace}/${KUBELET_REFRESH_STALLED.claim} it mounts is Terminating`),
      ],
      multus: [/expires /, /service-account token copied into the file, which nothing refreshes/],
      rancher: [/probe: \d+ requests, [1-9]\d* ok, [1-9]\d* × 401/],
    };
    for (const [name, title] of Object.entries(titles) as [keyof typeof titles, RegExp][]) {
      const text = await step(`tooltip-${name}`, () => tooltipOf(page, treeItem(page, title), anywhere(title)));
      assert.match(text, /Evidence: /, `${name}: its tooltip lists evidence`);
      for (const e of evidence[name]) assert.match(text, e, `${name}: its tooltip shows ${String(e)}`);
    }
  });

  test('apisix-not-reloading in Token Health: the rotation, the 401 lines after it, and the cause', async () => {
    const { page } = wb;
    let panel: FrameLocator | undefined;
    await step('open-apisix', async () => {
      panel = await openFindingPanel(
        page,
        treeItem(page, titles.apisix),
        new RegExp(`Token Health: Pod ${escapeRegExp(`${APISIX_NOT_RELOADING.namespace}/${apisixPod}`)}`),
      );
    });
    assert.ok(panel);
    const webview = panel;
    assert.match(
      (await webview.locator('#subject-title').textContent()) ?? '',
      new RegExp(`Pod ${escapeRegExp(APISIX_NOT_RELOADING.namespace)}/${escapeRegExp(apisixPod)}`),
    );

    // The cause, named.
    const card = webview.locator('article.finding', { hasText: anywhere(titles.apisix) }).first();
    await step('apisix-card', () => card.waitFor({ state: 'visible', timeout: 15_000 }));
    const explanation = (await card.locator('.explanation').textContent()) ?? '';
    assert.match(explanation, /The kubelet wrote a new token to \S+ at .*, yet \d+ 401 lines? followed/);
    assert.match(explanation, /the app still sends the token it read at start-up, so restart the pod now and make the app re-read its token file/);
    assert.ok(
      (await texts(card.locator('.evidence li'))).some((t) => t.includes('rotation: the kubelet wrote a new token')),
      'the rotation is in the evidence',
    );

    // The rotation the extension observed: a refresh in the APISIX lane of the timeline.
    const svg = webview.locator('svg.timeline');
    await svg.waitFor({ state: 'visible', timeout: 15_000 });
    const refreshes = await texts(svg.locator('line.refresh title, line.refresh.late title'));
    assert.ok(refreshes.length >= 1, 'the timeline shows the rotation');
    const refreshAt = Math.max(...refreshes.map(panelTime));
    const labels = await texts(svg.locator('text.lane-label'));
    assert.ok(
      labels.some((l) => l.includes(`${APISIX_NOT_RELOADING.namespace}/${apisixPod}`)),
      labels.join(' | '),
    );

    // APISIX keeps failing after the rotation; scan again from the panel and the new 401 lines show.
    await eventually(
      'APISIX logs a 401 line after the rotation',
      () => (lastLogLineMs(cluster, APISIX_NOT_RELOADING.namespace, apisixPod, APISIX_NOT_RELOADING.container) ?? 0) > refreshAt + 1000,
      30_000,
    );
    await webview.locator('header vscode-button', { hasText: 'Scan for 401 lines' }).click();
    const rows = webview.locator('table.lines tbody tr');
    let after: string[] = [];
    await step('lines-after-rotation', () =>
      eventually(
        'the table shows 401 lines of APISIX after the rotation',
        async () => {
          const cells = await rows.evaluateAll((trs) =>
            trs.map((tr) => [
              tr.querySelector('td.time')?.textContent ?? '',
              tr.querySelector('td.pod')?.textContent ?? '',
              tr.querySelector('td.line')?.textContent ?? '',
            ]),
          );
          after = cells.filter(([time, pod]) => pod?.includes(apisixPod) && panelTime(time ?? '') > refreshAt).map((c) => c.join(' | '));
          return after.length > 0;
        },
        60_000,
      ),
    );
    assert.ok(
      after.every((r) => /list failed, kind: Endpoints, reason: Unauthorized/.test(r)),
      after.join('\n'),
    );
    const markers = await texts(svg.locator('path.marker-401 title'));
    assert.ok(
      markers.some((t) => panelTime(t) > refreshAt),
      'a 401 marker after the refresh in the timeline',
    );
    await wb.screenshot('incidents-token-health-apisix');
    // Scrolled to the timeline and the table: the rotation and the 401 lines after it.
    await webview.locator('#timeline').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await wb.screenshot('incidents-token-health-apisix-timeline');
    await clearNotifications(page);
  });

  test('kubelet-refresh-stalled in Token Health names the Terminating PVC', async () => {
    const { page } = wb;
    let panel: FrameLocator | undefined;
    await step('open-kubelet', async () => {
      panel = await openFindingPanel(
        page,
        treeItem(page, titles.kubelet),
        new RegExp(`Token Health: Pod ${escapeRegExp(`${KUBELET_REFRESH_STALLED.namespace}/${rendererPod}`)}`),
      );
    });
    assert.ok(panel);
    const card = panel.locator('article.finding', { hasText: anywhere(titles.kubelet) }).first();
    await step('kubelet-card', () => card.waitFor({ state: 'visible', timeout: 15_000 }));
    const explanation = (await card.locator('.explanation').textContent()) ?? '';
    assert.match(explanation, new RegExp(`the PVC ${KUBELET_REFRESH_STALLED.namespace}/${KUBELET_REFRESH_STALLED.claim} it mounts is Terminating since `));
    assert.match(explanation, /Kubernetes PR 130335/);
    const items = await texts(card.locator('.evidence li'));
    assert.ok(
      items.some((t) => t.includes('PVC deletion requested (Terminating)')),
      items.join('\n'),
    );
    assert.ok(
      items.some((t) => t.includes('kubelet refresh point')),
      items.join('\n'),
    );
    assert.ok((await panel.locator('svg.timeline rect.segment').count()) >= 1, 'the stalled token has its window in the timeline');
    await wb.screenshot('incidents-token-health-kubelet');
  });

  test("a picture of the Findings node, with one finding's evidence in its tooltip", async () => {
    const { page } = wb;
    await collapseItem(page, new RegExp(`^${escapeRegExp(adminContext)}`));
    // The Multus kubeconfig in the editor, and a side bar wide enough for the findings' titles.
    await page.locator('.tabs-container .tab', { hasText: 'multus.kubeconfig' }).first().click();
    await widenSideBar(page, 420);
    await treeItem(page, titles.patroni).waitFor({ state: 'visible' });
    await wb.screenshot('incidents-explorer-findings');
    await showTooltip(page, treeItem(page, titles.kubelet), anywhere(titles.kubelet));
    const shot = await wb.screenshot('incidents-explorer-findings-evidence');
    copyFileSync(shot, join(ROOT, 'docs', 'explorer-findings.png'));
  });
});

describe('the healthy cluster in code-server', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let wb: Workbench;
  let context: string;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    const dir = mkdtempSync(join(RESULTS, 'incidents-healthy-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# A healthy cluster\n');
    const kubeconfig = cluster.writeKubeconfig(dir);
    context = (parse(cluster.kubeconfigFor('admin')) as { 'current-context': string })['current-context'];
    wb = await launchCodeServer({ name: 'incidents-healthy', folder: workspace, env: { KUBECONFIG: kubeconfig } });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await treeItem(wb.page, new RegExp(`^${escapeRegExp(context)}`)).waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('Scan for 401 Errors finds nothing and the Findings node stays empty', async () => {
    const { page } = wb;
    const said = await scanAllNamespaces(page, context);
    assert.match(said, new RegExp(`No 401 problem found in context ${escapeRegExp(context)}`));
    const findings = await expandItem(page, /^Findings\b/);
    await treeItem(page, /^No problems found/).waitFor({ state: 'visible', timeout: 15_000 });
    const label = (await findings.getAttribute('aria-label')) ?? (await findings.innerText());
    assert.match(label, /none/);
    await wb.screenshot('incidents-healthy-findings');
  });
});
