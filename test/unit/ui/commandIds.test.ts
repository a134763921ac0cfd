// One map of command ids: the manifest contributes exactly these, menus name only these, and no
// source file spells a command id as a string literal (they use COMMAND).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { COMMAND } from '../../../src/shared/commandIds';

interface Manifest {
  contributes: { commands: { command: string; category?: string }[]; menus: Record<string, { command?: string }[]> };
}

const ROOT = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const ids = new Set<string>(Object.values(COMMAND));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('command ids', () => {
  it('are exactly the commands the manifest contributes, each in the Cluster Credentials category', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual([...contributed].sort(), [...ids].sort());
    // The manifest names the category by its key in package.nls.json (src strings are localized there).
    const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const english = (s: string | undefined): string | undefined => {
      const key = /^%([\w.-]+)%$/.exec(s ?? '')?.[1];
      return key === undefined ? s : nls[key];
    };
    for (const c of manifest.contributes.commands) assert.equal(english(c.category), 'Cluster Credentials', c.command);
  });

  it('are the only commands of ours that menus name', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        if (item.command?.startsWith('clusterCredentials.') === true) assert.ok(ids.has(item.command), `${menu} names ${item.command}`);
      }
    }
  });

  it('are spelled only in src/shared/commandIds.ts', () => {
    const literal = /['"`]clusterCredentials\.(\w+)['"`]/g;
    const offenders: string[] = [];
    for (const file of [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'webview'))]) {
      if (file.endsWith(join('shared', 'commandIds.ts'))) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(literal)) {
        if (ids.has(`clusterCredentials.${m[1] ?? ''}`)) offenders.push(`${relative(ROOT, file)}: ${m[0]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
