// The webview's HTML: a strict CSP with a nonce, the nonce on every script, no inline handler or
// style, and the one piece of cluster data it holds (the title) escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, createNonce, escapeHtml, tokenHealthHtml } from '../../../../src/ui/tokenHealth/html';
import { HOSTILE_LINES, HOSTILE_POD } from './evidence';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function page(title: string, nonce = createNonce()): string {
  return tokenHealthHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/ext/dist/webview/main.js`,
    styleUri: `${CSP_SOURCE}/ext/dist/webview/main.css`,
    codiconUri: `${CSP_SOURCE}/ext/dist/webview/codicon.css`,
    title,
  });
}

/** The attributes of every tag (text between tags is left out: escaped data may read like an attribute). */
function tags(html: string): string[] {
  return html.match(/<[^>]*>/g) ?? [];
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return (m[1] ?? '').replace(/&#39;/g, "'");
}

describe('Token Health HTML', () => {
  it('has a strict CSP whose scripts need the nonce', () => {
    const nonce = createNonce();
    const csp = cspOf(page('Context test', nonce));
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(directives.get('style-src'), [CSP_SOURCE]);
    assert.deepEqual(directives.get('font-src'), [CSP_SOURCE]);
    assert.deepEqual(directives.get('img-src'), [CSP_SOURCE, 'data:']);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.equal(contentSecurityPolicy(CSP_SOURCE, nonce), csp);
  });

  it('puts the nonce on every script tag', () => {
    const nonce = createNonce();
    const html = page('Context test', nonce);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.ok(scripts.length >= 1);
    for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), s);
  });

  it('uses a fresh 128-bit nonce each time', () => {
    const a = createNonce();
    const b = createNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
  });

  it('has no inline handler, inline style or javascript: URL', () => {
    const html = page('Context test');
    for (const tag of tags(html)) assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, tag);
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
    assert.doesNotMatch(html, /javascript:/i);
  });

  it('escapes a hostile subject title', () => {
    for (const hostile of [HOSTILE_POD, ...HOSTILE_LINES, '" onload="alert(1)']) {
      const html = page(`Pod gateway/${hostile}`);
      assert.ok(!html.includes(hostile), `raw ${hostile} must not appear`);
      assert.ok(html.includes(escapeHtml(hostile)));
      assert.equal((html.match(/<script\b/g) ?? []).length, 1, 'no script tag smuggled in');
      assert.doesNotMatch(html, /<img\b/);
      assert.doesNotMatch(html, /<a\b/);
      for (const tag of tags(html)) assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, tag);
    }
    assert.ok(page(`Pod gateway/${HOSTILE_POD}`).includes('&lt;img src=x onerror=alert(1)&gt;'));
  });
});
