// `npm start`: builds the extension and opens it in a real VS Code (code-server) in your browser,
// on a sample folder of kubeconfigs, Secrets and manifests holding real recorded tokens.
// Options: --port N (default 8080), --folder DIR (open your own folder instead of the sample).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bootstrap, NODE24, ROOT, runOrExit } from './bootstrap.mjs';

bootstrap(import.meta.url);

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const port = Number(arg('--port') ?? process.env.PORT ?? 8080);
const home = join(ROOT, '.cache', 'demo');

runOrExit(NODE24, ['scripts/build.mjs', '--production']);
runOrExit(NODE24, [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', 'dist/cluster-credentials.vsix']);
const { ensureCodeServer } = await import('./ensure-code-server.mjs');
const codeServer = ensureCodeServer();

let folder = arg('--folder') ? resolve(arg('--folder')) : undefined;
if (!folder) {
  folder = join(home, 'sample');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  runOrExit(NODE24, ['--import', 'tsx', '-e', `require(${JSON.stringify(join(ROOT, 'test/support/sampleWorkspace.ts'))}).writeSampleWorkspace(${JSON.stringify(folder)})`]);
}

const userData = join(home, 'user-data');
const extensions = join(home, 'extensions');
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify({ 'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'chat.disableAIFeatures': true }, null, 2),
);
const env = { ...process.env, EXTENSIONS_GALLERY: '{}' };
const install = spawnSync(NODE24, [codeServer, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', join(ROOT, 'dist', 'cluster-credentials.vsix'), '--force'], { env, encoding: 'utf8' });
if (install.status !== 0) {
  console.error(install.stdout, install.stderr);
  process.exit(1);
}

const child = spawn(
  NODE24,
  [codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--user-data-dir', userData, '--extensions-dir', extensions, folder],
  { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
);
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
console.log(`\nCluster Credentials is running in VS Code (code-server): http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}\nOpen that address in your browser. Press Ctrl+C to stop.\n`);
