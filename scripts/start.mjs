// `npm start`: builds the extension and opens it in a real VS Code (code-server) in your browser.
// When the current context of your kubeconfig answers, the extension works against that cluster, on
// a sample folder of kubeconfigs, Secrets and manifests holding real recorded tokens. Otherwise, or
// with --demo, it starts the demo cluster (test/cluster: the healthy cluster plus five real
// incidents) and opens a folder holding its kubeconfig, a node's expired Multus kubeconfig and the
// same sample files, with KUBECONFIG pointing at the demo cluster.
// Options: --demo, --port N (code-server, default 8080), --cluster-port N (demo cluster, default
// any free one), --folder DIR (open your own folder), --no-open (do not open a browser),
// --no-build (use the VSIX already in dist/). Ctrl+C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { bootstrap, NODE24, ROOT, runOrExit } from './bootstrap.mjs';

bootstrap(import.meta.url);

const argv = process.argv.slice(2);
const has = (name) => argv.includes(name);
const arg = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const port = Number(arg('--port') ?? process.env.PORT ?? 8080);
const clusterPort = arg('--cluster-port');
const home = process.env.CC_DEMO_HOME ? resolve(process.env.CC_DEMO_HOME) : join(ROOT, '.cache', 'demo');
const VSIX = join(ROOT, 'dist', 'cluster-credentials.vsix');

/** Processes this script started, each the leader of its own process group. */
const children = [];
function stopChildren() {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
process.on('exit', stopChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopChildren();
    process.exit(0);
  });
}
function fail(message) {
  console.error(message);
  process.exit(1);
}

/** The current context of the kubeconfig kubectl would use, and its cluster's server URL. */
async function currentContext() {
  const { parse } = await import('yaml');
  const listed = (process.env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  const files = listed.length > 0 ? listed : [join(homedir(), '.kube', 'config')];
  let current;
  const contexts = new Map();
  const clusters = new Map();
  // As kubectl merges them: the first file to set a name wins.
  for (const file of files) {
    if (!existsSync(file)) continue;
    let doc;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (doc === null || typeof doc !== 'object') continue;
    if (!current && typeof doc['current-context'] === 'string' && doc['current-context'] !== '') current = doc['current-context'];
    for (const c of Array.isArray(doc.contexts) ? doc.contexts : []) if (c?.name && !contexts.has(c.name)) contexts.set(c.name, c.context ?? {});
    for (const c of Array.isArray(doc.clusters) ? doc.clusters : []) if (c?.name && !clusters.has(c.name)) clusters.set(c.name, c.cluster ?? {});
  }
  if (!current) return { problem: `no current context in ${files.join(', ')}` };
  const server = clusters.get(contexts.get(current)?.cluster)?.server;
  if (typeof server !== 'string' || server === '') return { problem: `context "${current}" names no cluster server` };
  return { name: current, server };
}

/** Whether anything answers HTTP(S) at the server: any status will do, even 401. */
function probe(server, timeoutMs = 3000) {
  return new Promise((resolvePromise) => {
    let url;
    try {
      url = new URL(server);
    } catch {
      resolvePromise(`"${server}" is not a URL`);
      return;
    }
    url.pathname = `${url.pathname.replace(/\/$/, '')}/version`;
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    // Only reachability is asked here; the extension checks the certificate itself.
    const req = request(url, { method: 'GET', rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePromise(undefined);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (e) => resolvePromise(e.message));
    req.end();
  });
}

/** Starts test/cluster/cli.ts with every incident, writing into `dir`; resolves once it serves. */
function startDemoCluster(dir) {
  const child = spawn(
    NODE24,
    ['--import', 'tsx', join(ROOT, 'test', 'cluster', 'cli.ts'), '--scenario', 'demo', '--dir', dir, ...(clusterPort ? ['--port', clusterPort] : [])],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const kubeconfig = join(dir, 'kubeconfig');
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the demo cluster did not start within 120 s:\n${out}`)), 120_000);
    const onExit = (code) => reject(new Error(`the demo cluster stopped (exit ${code}) before it served:\n${out}`));
    child.on('exit', onExit);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      out += text;
      const lines = out.split('\n');
      if (!lines.includes(kubeconfig)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      // Whatever else it prints goes on draining, unread.
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      child.on('exit', (code) => {
        console.error(`The demo cluster stopped (exit ${code}).`);
        process.exit(1);
      });
      resolvePromise({
        kubeconfig,
        url: /^test cluster (\S+)/m.exec(out)?.[1] ?? '',
        files: lines.filter((l) => l.startsWith('scenario file: ')).map((l) => l.slice('scenario file: '.length)),
      });
    });
  });
}

async function waitForHealth(child) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`code-server exited with ${child.exitCode}; is port ${port} free? (--port N picks another)`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`code-server did not answer on port ${port} within 90 s`);
}

function openBrowser(url) {
  const linuxDesktop = process.platform === 'linux' && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const command = process.platform === 'darwin' ? 'open' : linuxDesktop ? 'xdg-open' : undefined;
  if (!command) return;
  const opener = spawn(command, [url], { detached: true, stdio: 'ignore' });
  opener.on('error', () => undefined);
  opener.unref();
}

// 1. Which cluster: the active context when it answers, else the demo cluster.
let demo = has('--demo');
if (!demo) {
  const context = await currentContext();
  const problem = context.problem ?? (await probe(context.server));
  if (problem === undefined) console.log(`Using your kubeconfig's current context "${context.name}" (${context.server}).`);
  else {
    console.log(`No reachable cluster in your kubeconfig (${context.name ? `context "${context.name}": ` : ''}${problem}); starting the demo cluster.`);
    demo = true;
  }
}

// 2. The extension and code-server.
if (!has('--no-build') || !existsSync(VSIX)) {
  runOrExit(NODE24, ['scripts/build.mjs', '--production']);
  runOrExit(NODE24, [
    join(ROOT, 'node_modules/@vscode/vsce/vsce'),
    'package',
    '--no-dependencies',
    '--no-rewrite-relative-links',
    '--out',
    'dist/cluster-credentials.vsix',
  ]);
}
const { ensureCodeServer } = await import('./ensure-code-server.mjs');
const codeServer = ensureCodeServer();

// 3. The folder to open, and for the demo the cluster that goes with it.
const writeSample = (dir) =>
  runOrExit(NODE24, [
    '--import',
    'tsx',
    '-e',
    `require(${JSON.stringify(join(ROOT, 'test/support/sampleWorkspace.ts'))}).writeSampleWorkspace(${JSON.stringify(dir)})`,
  ]);
let folder = arg('--folder') ? resolve(arg('--folder')) : undefined;
/** A file the workbench opens at start (the demo's node kubeconfig, its expired token underlined). */
let demoOpenFile;

/** The context names a kubeconfig file defines. */
function contextsOf(file, parseYaml) {
  try {
    const doc = parseYaml(readFileSync(file, 'utf8'));
    return (Array.isArray(doc?.contexts) ? doc.contexts : []).map((c) => c?.name).filter((n) => typeof n === 'string' && n !== '');
  } catch {
    return [];
  }
}

/**
 * The demo folder's settings: what a demo needs to tell its story with no command run. Live tokens are read
 * automatically (a small cluster), every namespace is scanned for 401s once, and the Rancher ACE context is
 * probed once under concurrency. Each is off by default and restricted, so no other workspace can turn them on.
 */
function writeDemoSettings(dir, aceContext) {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  const settings = {
    'clusterCredentials.liveTokens.mode': 'auto',
    'clusterCredentials.scan.onStart': true,
    ...(aceContext ? { 'clusterCredentials.probe.onStart': [aceContext] } : {}),
  };
  writeFileSync(join(dir, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}
let kubeconfig;
// Folders this script writes are trusted; a folder of yours keeps VS Code's trust prompt.
const trusted = !folder;
if (demo) {
  const dir = join(home, 'workspace');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let cluster;
  try {
    cluster = await startDemoCluster(dir);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  writeSample(dir);
  // The ACE context Rancher gives is merged in as kubectl merges KUBECONFIG, after the demo's own file.
  const ace = join(dir, 'rancher', 'downstream-ace.kubeconfig');
  const { parse: parseYaml } = await import('yaml');
  const aceContext = existsSync(ace) ? contextsOf(ace, parseYaml)[0] : undefined;
  kubeconfig = aceContext ? [cluster.kubeconfig, ace].join(delimiter) : cluster.kubeconfig;
  writeDemoSettings(dir, aceContext);
  demoOpenFile = join(dir, 'node-1', 'multus.kubeconfig');
  folder ??= dir;
  console.log(
    `\nDemo cluster ${cluster.url}: the healthy cluster plus the incidents patroni-expired, apisix-not-reloading, kubelet-refresh-stalled, multus-kubeconfig-expired, rancher-concurrent-401.`,
  );
  console.log(`  kubeconfig (KUBECONFIG for the extension): ${kubeconfig}`);
  for (const file of cluster.files) console.log(`  ${file}`);
} else if (!folder) {
  folder = join(home, 'sample');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeSample(folder);
}

// 4. code-server with the packaged extension.
const userData = join(home, 'user-data');
const extensions = join(home, 'extensions');
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'chat.disableAIFeatures': true,
    },
    null,
    2,
  ),
);
if (demoOpenFile) {
  // The demo is its own tour: the walkthrough would cover the node kubeconfig it opens. It stays one click away in the
  // view's menu (Get Started). VS Code's switch is machine-scoped, so in this remote window it goes in the Remote settings.
  mkdirSync(join(userData, 'Machine'), { recursive: true });
  writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify({ 'workbench.welcomePage.walkthroughs.openOnInstall': false }, null, 2));
}
const env = { ...process.env, EXTENSIONS_GALLERY: '{}', ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}) };
const install = spawnSync(NODE24, [codeServer, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', VSIX, '--force'], {
  env,
  encoding: 'utf8',
});
if (install.status !== 0) fail(`${install.stdout}\n${install.stderr}`);

const child = spawn(
  NODE24,
  [
    codeServer,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    folder,
  ],
  { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
);
children.push(child);
child.on('exit', (code) => {
  console.error(`code-server stopped (exit ${code}).`);
  process.exit(code ?? 0);
});
await waitForHealth(child);
// The workbench opens a file given in its `payload` (as VS Code for the Web does): code-server's remote authority is this address.
const payload = demoOpenFile ? `&payload=${encodeURIComponent(JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${demoOpenFile}`]]))}` : '';
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}${payload}`;
console.log(`\nCluster Credentials is running in VS Code (code-server): ${url}\nOpen that address in your browser. Press Ctrl+C to stop.\n`);
if (!has('--no-open')) openBrowser(url);
