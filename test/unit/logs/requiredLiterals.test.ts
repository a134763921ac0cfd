import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { requiredLiterals } from '../../../src/logs/requiredLiterals';

// Longer literals are cheaper to search (fewer false hits): enough to make the choice deterministic.
const byLength = (s: string): number => 1 / s.length;
const lits = (source: string, flags = ''): string[] | null => {
  const found = requiredLiterals(source, flags, byLength);
  return found && [...found].sort();
};

/** What the byte search sees: ASCII letters folded when the pattern ignores case. */
function fold(text: string, ignoreCase: boolean): string {
  return ignoreCase ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text;
}

describe('requiredLiterals', () => {
  it('finds the literal of a plain word, lower-cased under the i flag', () => {
    assert.deepEqual(lits('Unauthorized', 'i'), ['unauthorized']);
    assert.deepEqual(lits('Unauthorized'), ['Unauthorized']);
  });

  it('expands small alternations and classes', () => {
    assert.deepEqual(lits('token (has|is) expired', 'i'), ['token has expired', 'token is expired']);
    assert.deepEqual(lits('[Uu]nauthorized'), ['Unauthorized', 'unauthorized']);
    assert.deepEqual(lits('"code": ?401'), ['"code": 401', '"code":401']);
  });

  it('keeps the best required piece around unknown parts', () => {
    assert.deepEqual(lits('status\\s*[:=]\\s*401\\b'), ['status']);
    assert.deepEqual(lits('a.*needle'), ['needle']);
    assert.deepEqual(lits('(?:x509|TLS): certificate', 'i'), ['tls: certificate', 'x509: certificate']);
  });

  it('reduces a set whose members contain a shorter member', () => {
    assert.deepEqual(lits('HTTP 401|401'), ['401']);
  });

  it('gives up where no literal is required or the syntax is not read', () => {
    for (const [source, flags] of [
      ['\\d+', ''],
      ['foo|\\d', ''],
      ['(?:abc)?', ''],
      ['x*', ''],
      ['(\\d)\\1', ''],
      ['(?i:abc)', ''],
      ['abc', 'v'],
      ['\\cJ', ''],
    ]) {
      assert.equal(lits(source, flags), null, `/${source}/${flags}`);
    }
  });

  it('treats letters that Unicode case folding maps onto non-ASCII as unknown under iu', () => {
    // With `iu`, k also matches the Kelvin sign and s the long s, which the byte search would miss.
    assert.deepEqual(lits('token', 'iu'), ['to']);
    assert.deepEqual(lits('token', 'i'), ['token']);
  });

  it('never misses: every match of a random regex contains one of its literals (property)', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      'A',
      'B',
      '4',
      '0',
      ' ',
      '\\.',
      '\\(',
      'k',
      's',
      'é',
      '[ab]',
      '[^a]',
      '[a-c]',
      '[Aa]',
      '[a-z]',
      '\\d',
      '\\w',
      '\\s',
      '.',
      '^',
      '$',
      '\\b',
      '\\B',
      '(?=a)',
      '(?!b)',
      '(?<=a)',
      '\\x41',
      '\\u0062',
      '[\\]a]',
      '{',
      'a{',
    );
    const { regex } = fc.letrec<{ regex: string }>((tie) => ({
      regex: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc.array(tie('regex'), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('')),
        fc.array(tie('regex'), { minLength: 2, maxLength: 3 }).map((xs) => `(?:${xs.join('|')})`),
        tie('regex').map((x) => `(${x})`),
        fc.tuple(tie('regex'), fc.constantFrom('?', '*', '+', '{2}', '{1,2}', '{0,1}', '{2,}', '+?', '{0}')).map(([x, q]) => `(?:${x})${q}`),
      ),
    }));
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', '4', '0', ' ', '.', '(', ']', '{', 'k', 'K', 's', 'S', 'é', 'É', '\u212a', '\u017f', '\n'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(regex, fc.constantFrom('', 'i', 'u', 'iu', 'm', 's'), fc.array(text, { minLength: 1, maxLength: 30 }), (source, flags, samples) => {
        let re: RegExp;
        try {
          re = new RegExp(source, flags);
        } catch {
          return; // not a valid regex under these flags: compilePatterns would refuse it
        }
        const literals = requiredLiterals(source, flags, byLength);
        if (literals === null) return;
        assert.ok(literals.length > 0 && !literals.includes(''));
        for (const s of samples) {
          if (!re.test(s)) continue;
          const folded = fold(s, re.ignoreCase);
          assert.ok(
            literals.some((l) => folded.includes(l)),
            `/${source}/${flags} matches ${JSON.stringify(s)} but none of ${JSON.stringify(literals)} is in it`,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });
});
