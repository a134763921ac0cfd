// Values from files and clusters rendered in untrusted markdown: no markup, links or icons can form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { escapeMarkdown, inlineCode } from '../../../src/ui/markdown/escape';

// CommonMark with linkify, stricter than VS Code's hover renderer.
const md = new MarkdownIt({ html: false, linkify: true });
const rendered = (text: string): string => md.renderInline(text);

describe('escapeMarkdown', () => {
  it('renders hostile values as plain text', () => {
    const hostile = [
      '<img src=x onerror=alert(1)>',
      '[click](command:workbench.action.terminal.new)',
      '**bold** _it_ `code` ~~gone~~',
      '$(alert) icon',
      'https://evil.example/x and www.evil.example',
      '| a | b |',
      '![img](http://x/y.png)',
      'x](javascript:alert(1)) [y]: http://evil.example',
      '<http://evil.example> <mailto:a@b.c>',
    ];
    for (const value of hostile) {
      const html = rendered(escapeMarkdown(value));
      assert.doesNotMatch(html, /<(img|a|strong|em|code|s)\b/, `${value} → ${html}`);
    }
  });

  it('keeps times and dates readable in the source', () => {
    assert.equal(escapeMarkdown('2026-11-22T03:18:17 UTC'), '2026-11-22T03:18:17 UTC');
    assert.equal(escapeMarkdown('expires 2026-11-30T07:52:54 UTC (in 18 min)'), 'expires 2026-11-30T07:52:54 UTC (in 18 min)');
  });

  it('stops a value from starting a list, quote or heading at the start of a line', () => {
    for (const value of ['- item', '+ item', '> quote', '# title', '1. first', '2) second']) {
      const html = md.render(escapeMarkdown(value));
      assert.match(html, /^<p>/, `${value} → ${html}`);
    }
  });

  it('flattens newlines so a value cannot break out of a table cell', () => {
    assert.equal(escapeMarkdown('a\nb\r\nc'), 'a b c');
  });
});

describe('inlineCode', () => {
  it('chooses a fence longer than any backtick run inside', () => {
    assert.equal(inlineCode('a`b``c'), '```a`b``c```');
    assert.equal(rendered(inlineCode('a`b``c')), '<code>a`b``c</code>');
  });
});
