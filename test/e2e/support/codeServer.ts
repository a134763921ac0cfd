// Runs the extension in a real VS Code: code-server (VS Code's workbench in the browser, its extension
// host in Node 24) driven by Playwright in Debian's Chromium. One code-server per test file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, RESULTS, ROOT, VSIX } from './paths';
import { readSettingsFile, remoteSettingsFile, writeRemoteSettings } from './settings';

const OPEN_ON_INSTALL = 'workbench.welcomePage.walkthroughs.openOnInstall';

// The same module the test script uses to install code-server once into a cache folder.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a script module the test runner shares, loaded at run time
const codeServerModule = require(join(ROOT, 'scripts', 'ensure-code-server.mjs')) as {
  codeServerBin(): string;
  node24Bin(): string;
};

export interface LaunchOptions {
  /** A name for this run's folders and screenshots. */
  name: string;
  /** The folder the workbench opens. */
  folder: string;
  /** Extra environment for code-server, and so for the extension host. */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Install the packaged VSIX (default true); the extension-host suite loads the extension from source instead. */
  installVsix?: boolean;
  /** More VSIX files to install after ours (a test double of another extension, for example). */
  extraVsix?: string[];
  /** Query parameters for the workbench URL besides `folder` (e.g. the test payload), given the port. */
  query?: (port: number) => [string, string][];
  /** Called before the page loads, to expose functions such as codeAutomationLog. */
  beforeLoad?: (page: Page) => Promise<void>;
  /** Called once the user-data folder exists and before code-server starts, to put files in it. */
  prepareUserData?: (userDataDir: string) => void;
  /**
   * The run folder of an earlier, stopped launch to start again from: its user data, extensions and browser
   * profile (where the web workbench keeps extensions' global state), as after closing and reopening the window.
   */
  restartFrom?: string;
  /** More code-server arguments. */
  args?: string[];
  /**
   * A display language: the VSIX of a language pack for it, installed and registered as VS Code registers one it
   * installs itself, and code-server started with `--locale`.
   */
  displayLanguage?: { locale: string; languagePackVsix: string };
}

export interface Workbench {
  page: Page;
  port: number;
  runDir: string;
  screenshot(name: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer /healthz within 60 s:\n${output()}`);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

interface Localization {
  languageId: string;
  localizedLanguageName?: string;
  languageName?: string;
  translations: { id: string; path: string }[];
}

/**
 * Writes `languagepacks.json` as VS Code's language pack service writes it when a pack is installed from the UI: an
 * install from the command line leaves it unwritten, and without it `--locale` falls back to English.
 */
function registerLanguagePacks(extensionsDir: string, userDataDir: string): void {
  const packs: Record<string, { hash: string; extensions: unknown[]; translations: Record<string, string>; label: string }> = {};
  for (const folder of readdirSync(extensionsDir)) {
    const manifestFile = join(extensionsDir, folder, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      publisher: string;
      name: string;
      version: string;
      contributes?: { localizations?: Localization[] };
    };
    for (const l of manifest.contributes?.localizations ?? []) {
      const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
      const pack = (packs[l.languageId] ??= { hash: '', extensions: [], translations: {}, label: l.localizedLanguageName ?? l.languageName ?? l.languageId });
      pack.extensions.push({ extensionIdentifier: { id }, version: manifest.version });
      for (const t of l.translations) pack.translations[t.id] = join(extensionsDir, folder, t.path);
      pack.hash = createHash('md5').update(`${id}@${manifest.version}`).digest('hex');
    }
  }
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs, null, 2));
}

export async function launchCodeServer(opts: LaunchOptions): Promise<Workbench> {
  const codeServer = codeServerModule.codeServerBin();
  if (!existsSync(codeServer))
    throw new Error(`code-server is not installed at ${codeServer}: run "npm test" (it installs it) or "node scripts/ensure-code-server.mjs".`);
  const runDir = opts.restartFrom ?? join(RESULTS, 'e2e', `${opts.name}-${Date.now()}`);
  const dirs = {
    userData: join(runDir, 'user-data'),
    extensions: join(runDir, 'extensions'),
    config: join(runDir, 'xdg-config'),
    data: join(runDir, 'xdg-data'),
    cache: join(runDir, 'xdg-cache'),
    tmp: join(runDir, 'tmp'),
    browser: join(runDir, 'browser'),
    shots: join(RESULTS, 'screenshots'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  opts.prepareUserData?.(dirs.userData);
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'editor.hover.delay': 100,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'workbench.tips.enabled': false,
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  // Our walkthrough opens the first time the explorer shows: only the suite about it wants that. VS Code's switch
  // for it is machine-scoped, so in this remote window it counts in the Remote settings, beside any the suite wrote.
  const machineSettings = remoteSettingsFile(dirs.userData);
  const remote = existsSync(machineSettings) ? readSettingsFile(machineSettings) : {};
  writeRemoteSettings(dirs.userData, { ...remote, [OPEN_ON_INSTALL]: opts.settings?.[OPEN_ON_INSTALL] ?? remote[OPEN_ON_INSTALL] ?? false });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    EXTENSIONS_GALLERY: '{}',
    ...opts.env,
  };
  const node = codeServerModule.node24Bin();
  if (opts.installVsix !== false && opts.restartFrom === undefined) {
    const r = spawnSync(node, [codeServer, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--install-extension', VSIX], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`installing ${VSIX} failed:\n${r.stdout}\n${r.stderr}`);
  }
  for (const vsix of opts.restartFrom === undefined ? (opts.extraVsix ?? []) : []) {
    const r = spawnSync(node, [codeServer, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--install-extension', vsix], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
  }
  if (opts.displayLanguage !== undefined && opts.restartFrom === undefined) {
    const r = spawnSync(
      node,
      [codeServer, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--install-extension', opts.displayLanguage.languagePackVsix],
      { env, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`installing ${opts.displayLanguage.languagePackVsix} failed:\n${r.stdout}\n${r.stderr}`);
    registerLanguagePacks(dirs.extensions, dirs.userData);
  }
  const port = await freePort();
  let log = '';
  const child = spawn(
    node,
    [
      codeServer,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--vscode-option',
      'enable-smoke-test-driver',
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      ...(opts.displayLanguage !== undefined ? ['--locale', opts.displayLanguage.locale] : []),
      ...(opts.args ?? []),
      opts.folder,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let context: BrowserContext | undefined;
  try {
    await waitForHealth(port, child, () => log);
    context = await chromium.launchPersistentContext(dirs.browser, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      // Without these, a command that reads the clipboard waits forever on a permission prompt nobody sees.
      permissions: ['clipboard-read', 'clipboard-write'],
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await opts.beforeLoad?.(page);
    const query = new URLSearchParams([['folder', opts.folder], ...(opts.query?.(port) ?? [])]);
    await page.goto(`http://127.0.0.1:${port}/?${query.toString()}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const ctx = context;
    return {
      page,
      port,
      runDir,
      async screenshot(name: string): Promise<string> {
        const file = join(dirs.shots, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async stop(): Promise<void> {
        await ctx.close().catch(() => undefined);
        killGroup(child);
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    killGroup(child);
    throw err;
  }
}

/**
 * One step of a test: when it fails, a screenshot `<prefix>-failed-<name>` of the workbench `current()`
 * gives (none before launch) is kept, and the failure goes on unchanged.
 */
export function screenshotOnFailure(prefix: string, current: () => Workbench | undefined): <T>(name: string, fn: () => Promise<T>) => Promise<T> {
  return async (name, fn) => {
    try {
      return await fn();
    } catch (err) {
      await current()
        ?.screenshot(`${prefix}-failed-${name}`)
        .catch(() => undefined);
      throw err;
    }
  };
}
