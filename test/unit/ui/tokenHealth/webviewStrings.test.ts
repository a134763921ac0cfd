// The Token Health webview's words: every `tr('…')` of webview/*.ts is a message the host translates in
// webviewStrings() (and nothing there goes unused), `tr` fills in placeholders and falls back to the English, no
// `tr` runs before main.ts hands the strings over, and the page carries them safely to the webview.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import ts from 'typescript';
import { readWebviewStrings, STRINGS_META_NAME } from '../../../../src/shared/tokenHealthProtocol';
import { tokenHealthHtml } from '../../../../src/ui/tokenHealth/html';
import { webviewStrings } from '../../../../src/ui/tokenHealth/webviewStrings';
import { tr, useStrings } from '../../../../webview/strings';

const ROOT = join(__dirname, '..', '..', '..', '..');
const WEBVIEW = join(ROOT, 'webview');
const files = readdirSync(WEBVIEW)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(WEBVIEW, f));

interface TrCall {
  file: string;
  line: number;
  /** The first argument when it is a plain string literal. */
  message?: string;
  topLevel: boolean;
}

function trCalls(file: string): TrCall[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const calls: TrCall[] = [];
  const visit = (node: ts.Node, deferred: boolean): void => {
    const inside = deferred || ts.isFunctionLike(node) || ts.isClassLike(node);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'tr') {
      const [first] = node.arguments;
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      calls.push({
        file: file.slice(ROOT.length + 1),
        line,
        topLevel: !inside,
        ...(first !== undefined && ts.isStringLiteral(first) ? { message: first.text } : {}),
      });
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(source, false);
  return calls;
}

const calls = files.flatMap(trCalls);

afterEach(() => {
  useStrings({});
  l10n.config({ contents: {} });
});

describe('the webview strings', () => {
  it('finds the webview files and their tr calls', () => {
    assert.ok(files.some((f) => f.endsWith('main.ts')));
    assert.ok(calls.length > 100, `${calls.length} tr calls`);
  });

  it('writes every tr call with a plain string literal first', () => {
    assert.deepEqual(
      calls.filter((c) => c.message === undefined).map((c) => `${c.file}:${c.line}`),
      [],
    );
  });

  it('has each message of the webview in webviewStrings(), and no other', () => {
    const used = new Set(calls.flatMap((c) => (c.message !== undefined ? [c.message] : [])));
    const listed = new Set(Object.keys(webviewStrings()));
    assert.deepEqual([...used].filter((m) => !listed.has(m)).sort(), [], 'messages the webview uses that webviewStrings() leaves out');
    assert.deepEqual([...listed].filter((m) => !used.has(m)).sort(), [], 'messages in webviewStrings() the webview no longer uses');
  });

  it('maps each message to itself in English, and to its translation once the bundle is handed over', () => {
    for (const [key, value] of Object.entries(webviewStrings())) assert.equal(value, key);
    const chinese = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    l10n.config({ contents: chinese });
    const strings = webviewStrings();
    for (const [key, value] of Object.entries(strings)) assert.equal(value, chinese[key], key);
    assert.equal(strings['Timeline'], '时间线');
  });

  it('calls tr in no module body but main.ts, which hands the strings over first', () => {
    assert.deepEqual(
      calls.filter((c) => c.topLevel && !c.file.endsWith('main.ts')).map((c) => `${c.file}:${c.line}`),
      [],
    );
    const main = readFileSync(join(WEBVIEW, 'main.ts'), 'utf8');
    assert.ok(main.indexOf('useStrings(') >= 0 && main.indexOf('useStrings(') < main.indexOf("tr('"), 'main.ts calls useStrings before its first tr');
  });
});

describe('tr', () => {
  it('gives the English with its placeholders filled when it has no translation', () => {
    assert.equal(tr('{0} of {1}', 3, 10), '3 of 10');
    assert.equal(tr('Refresh'), 'Refresh');
    useStrings({ Refresh: '刷新' });
    assert.equal(tr('{0} lines', 4), '4 lines');
  });

  it('gives the translation, with the arguments where it puts them', () => {
    useStrings({ '{0} of {1}': '{0} 行（共 {1} 行）', 'Jan {0}': '1月{0}日' });
    assert.equal(tr('{0} of {1}', 3, 10), '3 行（共 10 行）');
    assert.equal(tr('Jan {0}', 22), '1月22日');
  });

  it('reads no placeholder in an argument, and leaves a placeholder without one', () => {
    assert.equal(tr('Token {0}', '{0}{1}'), 'Token {0}{1}');
    assert.equal(tr('from {0}, {1}', 'a'), 'from a, {1}');
  });
});

describe('the strings in the page', () => {
  const page = (strings: Record<string, string>, language?: string): string =>
    tokenHealthHtml({
      cspSource: 'https://x',
      nonce: 'bm9uY2U=',
      scriptUri: 'https://x/main.js',
      styleUri: 'https://x/main.css',
      codiconUri: 'https://x/codicon.css',
      title: 'Context test',
      strings,
      ...(language !== undefined ? { language } : {}),
    });

  /** The meta tag's content as a browser reads it. */
  function metaContent(html: string): string {
    const m = new RegExp(`<meta name="${STRINGS_META_NAME}" content="([^"]*)">`).exec(html);
    assert.ok(m, 'the page has the strings meta tag');
    return (m[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }

  it('carries the strings, escaped, and they read back as they were', () => {
    const strings = { "The API server's answer": 'API 服务器的“答复”', '<b>{0}</b> & "q"': '</meta><script>alert(1)</script>' };
    const html = page(strings, 'zh-cn');
    assert.doesNotMatch(html, /<script>alert/);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    assert.deepEqual(readWebviewStrings(metaContent(html)), strings);
  });

  it('says the display language, and English for what is not a language tag', () => {
    assert.match(page({}, 'zh-cn'), /<html lang="zh-cn">/);
    assert.match(page({}), /<html lang="en">/);
    assert.match(page({}, '"><script>'), /<html lang="en">/);
  });

  it('reads only text for text from the meta content', () => {
    assert.deepEqual(readWebviewStrings(undefined), {});
    assert.deepEqual(readWebviewStrings(''), {});
    assert.deepEqual(readWebviewStrings('not json'), {});
    assert.deepEqual(readWebviewStrings('["a"]'), {});
    assert.deepEqual(readWebviewStrings('{"a":"b","n":1,"o":{}}'), { a: 'b' });
    const proto = readWebviewStrings('{"__proto__":"x"}');
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value, 'x');
  });
});
