// `npm start` on a machine without a kubeconfig: it starts the demo cluster with every incident,
// writes its kubeconfig and node-1's Multus kubeconfig into the demo folder, and opens the
// extension in code-server against it. Run as a user would, with an empty HOME.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, RESULTS, ROOT } from './support/paths';

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
    rmSync(home, { recursive: true, force: true });
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

  test('code-server serves the workbench with the Cluster Credentials activity bar entry', async () => {
    const profile = join(home, 'browser');
    mkdirSync(profile, { recursive: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: CHROMIUM_ARGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The demo folder is open, with node-1's Multus kubeconfig in it.
    await page.getByRole('treeitem', { name: 'node-1' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const entry = page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await entry.click();
    await page
      .locator('.sidebar .composite.title', { hasText: /Cluster Credentials/i })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    // The extension read KUBECONFIG: the demo kubeconfig's cluster shows in its view or status bar.
    await page.locator('.sidebar, .statusbar', { hasText: 'test-cluster' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    // For the screenshot only: the view fills in once the extension has listed the cluster.
    await page
      .locator('.sidebar [role="treeitem"]')
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 })
      .catch(() => undefined);
    mkdirSync(join(RESULTS, 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'screenshots', 'demo-start.png') });
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
