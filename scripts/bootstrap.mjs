// Makes `npm start` and `npm test` work on a fresh clone with only Node and npm: installs the npm
// packages when they are missing, then re-runs the calling script under the Node 24 that the `node`
// devDependency provides (VS Code 1.139's runtime). Written for any Node >= 18.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE24 = join(ROOT, 'node_modules', 'node', 'bin', 'node');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** Call first thing in a script; returns only when running under Node 24 with packages installed. */
export function bootstrap(scriptUrl) {
  const installed = existsSync(join(ROOT, 'node_modules', '.package-lock.json')) && existsSync(NODE24);
  if (!installed) {
    console.log('Installing npm packages (npm ci)…');
    if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1);
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    const status = run(NODE24, [fileURLToPath(scriptUrl), ...process.argv.slice(2)], {
      env: { ...process.env, PATH: `${dirname(NODE24)}:${process.env.PATH}` },
    });
    process.exit(status);
  }
}

/** Debian packages the real-VS-Code tests need; installs them with apt-get when missing. */
export function ensureDebianPackages(packages) {
  const missing = packages.filter(({ probe }) => !existsSync(probe));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  console.log(`Installing Debian packages: ${names.join(' ')}…`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo'];
  const apt = (args) =>
    run(prefix[0] ?? 'apt-get', prefix.length ? ['apt-get', ...args] : args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt(['update', '-qq']) !== 0 || apt(['install', '-y', '-qq', ...names]) !== 0) {
    console.error(`Could not install ${names.join(', ')} with apt-get. Install them yourself and run again.`);
    process.exit(1);
  }
}

export function runOrExit(cmd, args, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) process.exit(status);
}
