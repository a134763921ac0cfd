// `npm start` on a machine without a kubeconfig: it starts the demo cluster with every incident,
// writes its kubeconfig and node-1's Multus kubeconfig into the demo folder, and opens the
// extension in code-server against it. Run as a user would, with an empty HOME.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { APISIX_NOT_RELOADING } from '../cluster/scenarios/apisixNotReloading';
import { KUBELET_REFRESH_STALLED } from '../cluster/scenarios/kubeletRefreshStalled';
import { PATRONI_EXPIRED } from '../cluster/scenarios/patroniExpired';
import { RANCHER_CONCURRENT_401 } from '../cluster/scenarios/rancherConcurrent401';
import { treeItem, widenSideBar } from './support/incidents';
import { CHROMIUM, CHROMIUM_ARGS, RESULTS, ROOT } from './support/paths';
import { escapeRegExp } from './support/workbench';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with the workbench URL `npm start` prints, or rejects with what it printed instead. */
function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs / 1000} s:\n${output()}`)), timeoutMs);
    const check = (): void => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output());
      if (m?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(m[1]);
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${String(code)}:\n${output()}`));
    });
  });
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return Promise.resolve();
  }
  return exited;
}

/** Polls until `probe` holds (servers take a moment to close), failing after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

describe('npm start without a kubeconfig', { timeout: 600_000 }, () => {
  let home: string;
  let workspace: string;
  let child: ChildProcess;
  let output = '';
  let url: string;
  let browser: BrowserContext | undefined;
  let page: Page;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'cc-demo-home-'));
    workspace = join(home, 'demo', 'workspace');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      // Its own demo folders, so a developer's `npm start` and this test do not meet.
      CC_DEMO_HOME: join(home, 'demo'),
    };
    delete env.KUBECONFIG;
    const port = await freePort();
    // The test run packaged the VSIX already; building it again here would race the other suites.
    child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--no-open', '--no-build', '--port', String(port)], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    url = await waitForUrl(child, () => output, 300_000);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (child !== undefined) await stopGroup(child);
    if (process.env.CC_KEEP_DEMO_HOME === undefined) rmSync(home, { recursive: true, force: true });
    else console.log(`demo home kept: ${home}`);
  });

  test('falls back to the demo cluster and writes its files into the demo folder', () => {
    assert.match(output, /No reachable cluster in your kubeconfig/);
    assert.equal(new URL(url).searchParams.get('folder'), workspace);
    for (const file of [
      'kubeconfig',
      join('node-1', 'multus.kubeconfig'),
      join('rancher', 'downstream-ace.kubeconfig'),
      join('kubeconfigs', 'demo.kubeconfig'),
    ]) {
      assert.ok(existsSync(join(workspace, file)), `${file} in the demo folder`);
    }
  });

  test('the demo cluster answers with the kubeconfig it wrote; the node kubeconfig gets 401', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(join(workspace, 'kubeconfig'));
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'db' });
    assert.deepEqual(pods.items.map((p) => p.metadata?.name).sort(), ['orders-db-0', 'patroni-0']);
    const multus = new KubeConfig();
    multus.loadFromFile(join(workspace, 'node-1', 'multus.kubeconfig'));
    assert.equal(await statusOf(multus.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'kube-system' })), 401);
  });

  test('the workbench opens on the five incidents: the view, its Findings, the status bar and the node kubeconfig, with no command run', async () => {
    const profile = join(home, 'browser');
    mkdirSync(profile, { recursive: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1600, height: 900 },
      args: CHROMIUM_ARGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The URL opens node-1's Multus kubeconfig; its expired token is underlined as an error.
    const multusTab = page.locator('.tabs-container .tab', { hasText: 'multus.kubeconfig' }).first();
    await multusTab.waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.editor-instance .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
    // The demo workspace asks for checks at start, so the view opens by itself: nothing is clicked.
    await page
      .locator('.sidebar .composite.title', { hasText: /Cluster Credentials/i })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    // From here, within 60 s: the live token reads, the scan and the probe at start find the five incidents.
    const titles: Record<string, RegExp> = {
      patroni: new RegExp(`^${escapeRegExp(`${PATRONI_EXPIRED.namespace}/${PATRONI_EXPIRED.pod}`)} sends an expired token it never re-read`),
      apisix: new RegExp(
        `^${escapeRegExp(APISIX_NOT_RELOADING.namespace)}/${escapeRegExp(APISIX_NOT_RELOADING.deployment)}-\\S+ (does not reload its rotated token|sends an expired token it never re-read)`,
      ),
      kubelet: new RegExp(
        `^Kubelet stopped refreshing the token of ${escapeRegExp(`${KUBELET_REFRESH_STALLED.namespace}/${KUBELET_REFRESH_STALLED.deployment}-`)}`,
      ),
      multus: new RegExp(`^Kubeconfig token expired: ${escapeRegExp(join(workspace, 'node-1', 'multus.kubeconfig'))} \\(user multus\\)`),
      rancher: new RegExp(`^401 under concurrency for ${escapeRegExp(RANCHER_CONCURRENT_401.context)}`),
    };
    const findings = treeItem(page, /^Findings\b/);
    await findings.waitFor({ state: 'visible', timeout: 60_000 });
    const listed = async (): Promise<string> =>
      (await page.locator('.sidebar [role="treeitem"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).join('\n');
    try {
      await page
        .locator('.statusbar-item', { hasText: /\b5 findings$/ })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
    } catch (err) {
      throw new Error(`the status bar never said 5 findings; the tree says:\n${await listed()}`, { cause: err });
    }
    // The tree redraws a moment after the status bar: its Findings row says 5 once it has.
    await treeItem(page, /^Findings,? 5$/)
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(async (err: unknown) => {
        throw new Error(`the Findings node never said 5:\n${await listed()}`, { cause: err });
      });
    for (const [name, title] of Object.entries(titles)) {
      await treeItem(page, title)
        .waitFor({ state: 'visible', timeout: 15_000 })
        .catch(async (err: unknown) => {
          throw new Error(`the ${name} finding is not in the Findings node:\n${await listed()}`, { cause: err });
        });
    }
    // The README's first picture: the demo as it opens, with a side bar wide enough for the findings' titles.
    await widenSideBar(page, 260);
    await page.mouse.move(900, 600);
    mkdirSync(join(RESULTS, 'screenshots'), { recursive: true });
    const shot = join(RESULTS, 'screenshots', 'demo-start.png');
    await page.screenshot({ path: shot });
    copyFileSync(shot, join(ROOT, 'docs', 'demo-start.png'));
  });

  test('Ctrl+C stops code-server and the demo cluster', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(join(workspace, 'kubeconfig'));
    await browser?.close();
    browser = undefined;
    // What a terminal does on Ctrl+C: SIGINT to the foreground process group.
    await stopGroup(child, 'SIGINT');
    const port = new URL(url).port;
    await eventually('code-server stopped', () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => false,
        () => true,
      ),
    );
    const core = kc.makeApiClient(CoreV1Api);
    await eventually('the demo cluster stopped', () =>
      core.listNamespacedPod({ namespace: 'db' }).then(
        () => false,
        (e: unknown) => !(e instanceof ApiException),
      ),
    );
  });
});
