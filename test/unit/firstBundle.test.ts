// The first bundle (src/extension.ts → dist/extension.js) loads on every YAML or JSON file the user opens: it
// must hold the token core only. The cluster libraries, and the cluster layer built on them, come in the second
// bundle (src/clusterLayer.ts → dist/cluster.js), loaded on first use. Checked on what esbuild really bundles.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');

async function inputsOf(entry: string): Promise<string[]> {
  const r = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: 'dist/probe.js',
    logLevel: 'silent',
  });
  return Object.keys(r.metafile.inputs);
}

const CLUSTER_LIBRARIES = /node_modules\/(@kubernetes\/client-node|undici|ws|openid-client|@jsep-plugin|jsonpath-plus|hpagent)\//;

describe('the first bundle', () => {
  it('holds no cluster library and no module of the cluster layer', async () => {
    const inputs = await inputsOf('src/extension.ts');
    assert.ok(inputs.includes('src/ui/hover.ts') && inputs.includes('src/token/locate.ts'), 'the token core is in it');
    assert.deepEqual(
      inputs.filter((f) => CLUSTER_LIBRARIES.test(f) || f === 'src/clusterLayer.ts' || f.startsWith('src/cluster/') || f.startsWith('src/app/')),
      [],
    );
  });

  it('leaves them to the second bundle', async () => {
    const inputs = await inputsOf('src/clusterLayer.ts');
    assert.ok(inputs.some((f) => f.includes('node_modules/@kubernetes/client-node/')));
    assert.ok(inputs.includes('src/ui/explorer/explorerTree.ts'));
  });

  it("and the second bundle are both packaged, with the manifest's language files: .vscodeignore lets each of them in", () => {
    const allowed = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).trim());
    for (const bundle of ['dist/extension.js', 'dist/cluster.js', 'dist/locateWorker.js']) assert.ok(allowed.includes(bundle), `${bundle} is packaged`);
    // The manifest's strings are keys: without its language files the installed extension shows them as `%…%`.
    for (const nls of ['package.nls.json', 'package.nls.*.json']) assert.ok(allowed.includes(nls), `${nls} is packaged`);
  });
});
