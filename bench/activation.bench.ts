// activation.bundle_kb: the size of the first bundle (dist/extension.js, production build), the one VS Code loads
// on every YAML or JSON file. activation.load_ms: require() of it; activation.activate_ms: activate() against a
// stub of the `vscode` module, no cluster, no workspace. Each measurement is cold, in a fresh Node process (the
// runtime VS Code uses); the figures are medians of several. The cluster layer (dist/cluster.js) is not loaded by
// either: activation.cluster_load_ms says what its first use costs, for comparison.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const ROOT = resolve(__dirname, '..');
const RUNS = 9;

interface Measured {
  loadMs: number;
  activateMs: number;
}

function measure(bundle: string): Measured {
  const r = spawnSync(process.execPath, [join(__dirname, 'activation', 'measure.cjs'), bundle, ROOT], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measuring ${bundle} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measured;
}

/** Cold require() of the cluster layer alone, in a fresh process, for comparison. */
function clusterLoadMs(): number {
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return request === 'vscode' ? ${JSON.stringify(join(__dirname, 'activation', 'vscodeStub.cjs'))} : resolve.call(this, request, ...rest);
    };
    const t0 = performance.now();
    require(${JSON.stringify(join(ROOT, 'dist', 'cluster.js'))});
    process.stdout.write(String(performance.now() - t0));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading dist/cluster.js failed: ${r.stderr}`);
  return Number(r.stdout);
}

export function run(report: Report): Promise<void> {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the production build failed: ${build.stderr}`);
  const bundle = join(ROOT, 'dist', 'extension.js');
  report('activation.bundle_kb', Math.round(statSync(bundle).size / 1024), 'KB');
  // One run first, not counted: the disk cache warm, as when VS Code has started before.
  measure(bundle);
  const runs = Array.from({ length: RUNS }, () => measure(bundle));
  report('activation.load_ms', median(runs.map((r) => r.loadMs)), 'ms');
  report('activation.activate_ms', median(runs.map((r) => r.activateMs)), 'ms');
  report('activation.cluster_load_ms', median(Array.from({ length: 5 }, () => clusterLoadMs())), 'ms');
  return Promise.resolve();
}
