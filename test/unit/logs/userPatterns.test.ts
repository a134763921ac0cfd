// User patterns from clusterCredentials.logs.patterns run on a linear-time engine: no pattern can stall
// the extension host on lines the cluster writes, and patterns that engine cannot run are named and skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePatterns, DEFAULT_PATTERNS, scanText, StreamScanner } from '../../../src/logs/index';
import type { CompiledPatterns, LogMatch, LogPattern } from '../../../src/logs/index';

const EVIL: LogPattern = { id: 'evil', label: 'Nested repetition', regex: '(a+)+$' };

function ready(patterns: CompiledPatterns): Extract<CompiledPatterns, { ok: true }> {
  assert.ok(patterns.ok, patterns.ok ? '' : patterns.errors.join(' '));
  return patterns;
}

describe('user patterns', () => {
  it('run on the linear-time engine; the defaults keep the native one', () => {
    const compiled = ready(compilePatterns([...DEFAULT_PATTERNS, EVIL]));
    assert.deepEqual(
      compiled.patterns.map((p) => [p.id, p.engine]),
      [...DEFAULT_PATTERNS.map((p) => [p.id, 'native']), ['evil', 'linear']],
    );
    assert.deepEqual(compiled.skipped, []);
  });

  it('a copy of a default under another id is still the audited default', () => {
    const copy = { ...DEFAULT_PATTERNS[1], id: 'mine' };
    const changed = { ...DEFAULT_PATTERNS[1], id: 'changed', flags: '' };
    const compiled = ready(compilePatterns([copy, changed]));
    assert.deepEqual(
      compiled.patterns.map((p) => p.engine),
      ['native', 'linear'],
    );
  });

  it('scan hostile lines for `(a+)+$` to the end (V8 needed 1.6 s for 26 characters, x3 per character)', () => {
    const compiled = ready(compilePatterns([...DEFAULT_PATTERNS, EVIL]));
    const hostile = `401 Unauthorized ${'a'.repeat(100_000)}!`;
    const text = `${hostile}\n${'a'.repeat(26)}!\nends in ${'a'.repeat(30)}\n`;
    assert.deepEqual(
      scanText(text, compiled).map((m) => [m.lineNumber, m.patternIds]),
      [
        [1, ['http-401', 'unauthorized']],
        [3, ['evil']],
      ],
    );
  });

  it('scan a 1 MiB hostile line streamed in chunks, as a followed log arrives', () => {
    const compiled = ready(compilePatterns([...DEFAULT_PATTERNS, EVIL]));
    const found: LogMatch[] = [];
    const scanner = new StreamScanner(compiled, undefined, (m) => found.push(m));
    const line = Buffer.from(`${'a'.repeat(1024 * 1024 - 2)}\n`);
    for (let at = 0; at < line.length; at += 64 * 1024) scanner.push(line.subarray(at, at + 64 * 1024));
    scanner.end();
    assert.deepEqual(
      found.map((m) => [m.lineNumber, m.patternIds, m.line.length]),
      [[1, ['evil'], `${'a'.repeat(2000)}… [${1024 * 1024 - 2 - 2000} more characters]`.length]],
    );
  });

  it('find the same lines when a literal is too common to search for (each line is tested instead)', () => {
    const compiled = ready(compilePatterns([...DEFAULT_PATTERNS, EVIL]));
    const lines: string[] = [];
    for (let i = 1; i <= 3000; i++) lines.push(i % 500 === 0 ? 'aaaa' : i % 700 === 0 ? 'a 401 Unauthorized b' : `${'a'.repeat(40)}b`);
    const expected = lines.flatMap((line, i) => (line === 'aaaa' ? [[i + 1, ['evil']]] : line.includes('401') ? [[i + 1, ['http-401', 'unauthorized']]] : []));
    assert.equal(expected.length, 10);
    const text = `${lines.join('\n')}\n`;
    assert.deepEqual(
      scanText(text, compiled).map((m) => [m.lineNumber, m.patternIds]),
      expected,
    );
    const streamed: Array<[number, string[]]> = [];
    const scanner = new StreamScanner(compiled, { maxLineBytes: 32 }, (m) => streamed.push([m.lineNumber, m.patternIds]));
    for (let at = 0; at < text.length; at += 1000) scanner.push(text.slice(at, at + 1000));
    scanner.end();
    // In pieces of 32 bytes the first piece of a 40-a line is all a's, which `(a+)+$` matches: the rest must agree.
    assert.deepEqual(
      streamed.filter(([, ids]) => !ids.includes('evil')),
      expected.filter(([, ids]) => !(ids as string[]).includes('evil')),
    );
  });

  it('keep the literal prefilter: lines without the literal are not tested', () => {
    const compiled = ready(compilePatterns([{ id: 'timeout', label: 'Timeout', regex: 'auth timeout (after|in) \\d+s', flags: 'i' }]));
    assert.equal(compiled.everyLine, false);
    assert.deepEqual(compiled.literals.map((l) => Buffer.from(l.bytes).toString()).sort(), ['auth timeout after ', 'auth timeout in ']);
    assert.deepEqual(
      scanText('x\nAUTH TIMEOUT after 30s\nauth timeout soon\n', compiled).map((m) => m.lineNumber),
      [2],
    );
  });

  it('match as JavaScript reads them: flags, classes, named groups, escapes', () => {
    const patterns: LogPattern[] = [
      { id: 'ci', label: 'i', regex: 'denied', flags: 'i' },
      { id: 'cs', label: 'case', regex: 'DENIED' },
      { id: 'named', label: 'named group', regex: '(?<code>40[13]) (?:error|failure)' },
      { id: 'class', label: 'class with (?=', regex: 'x[(?=]y' },
      { id: 'unicode', label: 'u', regex: '\\u{1F512} locked', flags: 'u' },
      { id: 'slash', label: 'slash', regex: 'a/b' },
    ];
    const compiled = ready(compilePatterns(patterns));
    const ids = (line: string): string[] => scanText(line, compiled)[0]?.patternIds ?? [];
    assert.deepEqual(ids('Access Denied'), ['ci']);
    assert.deepEqual(ids('ACCESS DENIED'), ['ci', 'cs']);
    assert.deepEqual(ids('got 403 failure'), ['named']);
    assert.deepEqual(ids('x(y and x=y'), ['class']);
    assert.deepEqual(ids('🔒 locked'), ['unicode']);
    assert.deepEqual(ids('GET a/b'), ['slash']);
  });

  it('name, in a sentence, each pattern the engine cannot run, skip it, and scan with the others', () => {
    const patterns: LogPattern[] = [
      { id: 'repeat', label: 'Back-reference', regex: '(\\w+) \\1 failed' },
      { id: 'named-repeat', label: 'Named back-reference', regex: '(?<w>\\w+) \\k<w>' },
      { id: 'ahead', label: 'Lookahead', regex: 'token(?= expired)' },
      { id: 'behind', label: 'Lookbehind', regex: '(?<!in)valid token' },
      { id: 'sets', label: 'v flag', regex: '[\\p{L}--[a-z]]', flags: 'v' },
      { id: 'plain', label: 'Plain', regex: 'denied' },
    ];
    const compiled = ready(compilePatterns(patterns));
    assert.deepEqual(
      compiled.patterns.map((p) => p.id),
      ['plain'],
    );
    assert.equal(compiled.skipped.length, 5);
    assert.equal(
      compiled.skipped[0],
      "pattern 'repeat': it uses a back-reference (\\1 or \\k<name>), which the linear-time engine for log patterns cannot match; rewrite it without one. It is skipped; the scan goes on with the other patterns.",
    );
    assert.match(compiled.skipped[1], /^pattern 'named-repeat': it uses a back-reference/);
    assert.match(compiled.skipped[2], /^pattern 'ahead': it uses a lookahead or lookbehind/);
    assert.match(compiled.skipped[3], /^pattern 'behind': it uses a lookahead or lookbehind/);
    assert.match(compiled.skipped[4], /^pattern 'sets': .*v flag/);
    assert.deepEqual(
      scanText('a a failed\naccess denied\n', compiled).map((m) => [m.lineNumber, m.patternIds]),
      [[2, ['plain']]],
    );
  });

  it('refuse a set where every pattern was skipped: a scan with none would look like good news', () => {
    const result = compilePatterns([{ id: 'repeat', label: 'Back-reference', regex: '(a)\\1' }]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.errors[0], /^pattern 'repeat': it uses a back-reference .*; rewrite it without one\.$/);
    assert.equal(result.errors[1], 'No pattern is left to scan with; fix one, or empty the setting to use the defaults.');
  });

  it('still refuse what JavaScript refuses, with its message, and a pattern matching an empty line', () => {
    const result = compilePatterns([
      { id: 'typo', label: 'Typo', regex: 'status (401' },
      { id: 'loose', label: 'Loose', regex: 'a*' },
    ]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.errors[0], /^pattern 'typo': Invalid regular expression: .*Unterminated group/);
    assert.equal(result.errors[1], "pattern 'loose': it matches an empty line, so it would report every line.");
  });
});
