// The source's user-facing strings in Simplified Chinese: l10n/bundle.l10n.json is what `npm run l10n` extracts from
// src/ today (every `l10n.t('…')`), l10n/bundle.l10n.zh-cn.json translates exactly those messages, each a real
// translation that keeps the placeholders and literal parts, and no `l10n.t` runs before the extension has handed
// @vscode/l10n the display language's strings (src/shared/l10n.ts).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { getL10nJson } from '@vscode/l10n-dev';
import ts from 'typescript';
import { literalMismatches, untranslated } from '../../support/l10nChecks';

const ROOT = join(__dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function readBundle(file: string): Record<string, string> {
  const path = join(ROOT, 'l10n', file);
  if (!existsSync(path)) return {};
  const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  for (const [key, text] of Object.entries(value)) assert.equal(typeof text, 'string', `${file}: ${key} is a string (no comments in our bundles)`);
  return value as Record<string, string>;
}

const files = sourceFiles(SRC);
const english = readBundle('bundle.l10n.json');
const chinese = readBundle('bundle.l10n.zh-cn.json');

/** `l10n.t(` calls that run when their module loads: outside every function, method, accessor and class body. */
function topLevelCalls(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node, deferred: boolean): void => {
    const inside = deferred || ts.isFunctionLike(node) || ts.isClassLike(node);
    if (
      !inside &&
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 't' &&
      /^(?:l10n|vscode\.l10n)$/.test(node.expression.expression.getText(source))
    )
      found.push(`${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(source, false);
  return found;
}

describe('source strings in Chinese', () => {
  it('l10n/bundle.l10n.json is what npm run l10n extracts from src/ now', async () => {
    const extracted = await getL10nJson(files.map((f) => ({ contents: readFileSync(f, 'utf8'), extension: '.ts' })));
    assert.ok(Object.keys(extracted).length > 0, 'src/ has strings for translation');
    for (const [key, value] of Object.entries(extracted))
      assert.equal(typeof value, 'string', `${key}: a message with a comment ({ message, comment }) is not used here`);
    assert.deepEqual(Object.keys(english).sort(), Object.keys(extracted).sort(), 'run `npm run l10n` after changing a string');
  });

  it('translates every message, and only those', () => {
    const missing = Object.keys(english).filter((k) => !Object.hasOwn(chinese, k));
    assert.deepEqual(missing, [], 'messages without a translation in l10n/bundle.l10n.zh-cn.json');
    const stale = Object.keys(chinese).filter((k) => !Object.hasOwn(english, k));
    assert.deepEqual(stale, [], 'translations of messages the source no longer has');
  });

  it('each translation is Chinese text that keeps the placeholders, code spans and line breaks', () => {
    const problems = Object.keys(english).flatMap((key) => {
      const translation = chinese[key] ?? '';
      const why = untranslated(key, translation);
      return [
        ...(why === undefined ? [] : [`${JSON.stringify(key)} ${why}: ${JSON.stringify(translation)}`]),
        ...literalMismatches(JSON.stringify(key), key, translation),
      ];
    });
    assert.deepEqual(problems, []);
  });

  it('makes no string at a module top level, before the translations are handed over', () => {
    assert.deepEqual(files.flatMap(topLevelCalls), []);
  });

  it('gives the Chinese text once handed the bundle, with the arguments in place', () => {
    const sample = Object.keys(english).find((k) => /\{0\}/.test(k));
    assert.ok(sample !== undefined, 'a message with a placeholder');
    try {
      l10n.config({ contents: chinese });
      const out = l10n.t(sample, 'ARG-0', 'ARG-1', 'ARG-2', 'ARG-3', 'ARG-4', 'ARG-5');
      assert.match(out, /\p{Script=Han}/u);
      assert.match(out, /ARG-0/);
    } finally {
      l10n.config({ contents: {} });
    }
  });
});
