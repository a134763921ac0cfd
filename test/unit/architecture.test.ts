// The layering of src/ (docs/ARCHITECTURE.md), read from the imports themselves: the pure layers
// never reach VS Code or the layers above them, the cluster layer never reaches the UI, and no file
// imports itself back through a cycle.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier of a file: static imports and re-exports, `import()` and `require()`. */
export function specifiersOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) if (m[1] !== undefined) out.push(m[1]);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return undefined;
}

/** The top folder under src/ a file belongs to ("extension.ts" for the root file). */
function layerOf(file: string): string {
  return relative(SRC, file).split(sep)[0] ?? '';
}

interface Edge {
  from: string;
  spec: string;
  to?: string;
}

const files = sourceFiles(SRC);
const edges: Edge[] = files.flatMap((from) =>
  specifiersOf(readFileSync(from, 'utf8')).map((spec) => {
    const to = resolveLocal(from, spec);
    return to === undefined ? { from, spec } : { from, spec, to };
  }),
);

function violations(layers: readonly string[], forbidden: (e: Edge) => boolean): string[] {
  return edges.filter((e) => layers.includes(layerOf(e.from)) && forbidden(e)).map((e) => `${relative(SRC, e.from)} imports ${e.spec}`);
}

describe('layers of src/', () => {
  it('finds the files and their imports it checks', () => {
    assert.ok(files.length > 100);
    assert.ok(edges.some((e) => e.spec === 'vscode'));
    assert.deepEqual(specifiersOf("import type { A } from './a';\nexport { b } from \"../b\";\nconst c = require('c');\nimport 'd';"), [
      './a',
      '../b',
      'd',
      'c',
    ]);
  });

  it('keeps token, logs, history, diagnosis, shared and controlPlane free of vscode and of every layer above them', () => {
    const pure = ['token', 'logs', 'history', 'diagnosis', 'shared', 'controlPlane'];
    const above = ['ui', 'app', 'cluster', 'extension.ts'];
    assert.deepEqual(
      violations(pure, (e) => e.spec === 'vscode' || (e.to !== undefined && above.includes(layerOf(e.to)))),
      [],
    );
  });

  it('keeps the cluster layer free of vscode, the UI and the app', () => {
    assert.deepEqual(
      violations(['cluster'], (e) => e.spec === 'vscode' || (e.to !== undefined && ['ui', 'app', 'extension.ts'].includes(layerOf(e.to)))),
      [],
    );
  });

  it('keeps the app layer free of the UI', () => {
    assert.deepEqual(
      violations(['app'], (e) => e.to !== undefined && ['ui', 'extension.ts'].includes(layerOf(e.to))),
      [],
    );
  });

  it('has no import cycle between files', () => {
    const next = new Map<string, string[]>();
    for (const e of edges) if (e.to !== undefined) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      state.set(file, 'open');
      for (const to of next.get(file) ?? []) {
        const s = state.get(to);
        if (s === 'open') cycles.push([...path.slice(path.indexOf(to)), to].map((f) => relative(SRC, f)).join(' → '));
        else if (s === undefined) visit(to, [...path, to]);
      }
      state.set(file, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f, [f]);
    assert.deepEqual(cycles, []);
  });
});
