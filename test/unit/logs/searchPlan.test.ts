import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priorStats, sampleStats } from '../../../src/logs/byteFrequency';
import { planSearch } from '../../../src/logs/searchPlan';
import type { RequiredLiteral } from '../../../src/logs/types';

/** Does some needle of the plan, checked for this literal at its offset, occur in `spelling`? */
function found(plan: ReturnType<typeof planSearch>, literal: number, spelling: Buffer): boolean {
  return plan.needles.some(({ needle, checks }) => {
    const bytes = typeof needle === 'number' ? Buffer.from([needle]) : needle;
    return checks.some((c) => c.literal === literal && spelling.subarray(c.offset, c.offset + bytes.length).equals(bytes));
  });
}

function literal(text: string, caseInsensitive: boolean): RequiredLiteral {
  return { bytes: new Uint8Array(Buffer.from(caseInsensitive ? text.toLowerCase() : text)), caseInsensitive, patterns: [0] };
}

describe('planSearch', () => {
  it('covers every spelling of every literal, whatever the statistics (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'z', 'e', 'k', 'x', 'T', 'Z', '4', '0', '1', ' ', ':', '"', 'é'), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, fc.boolean()), { minLength: 1, maxLength: 8 }),
        fc.string({ maxLength: 400 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        (words, sample, upper) => {
          const literals = words.map(([w, ci]) => literal(w, ci));
          const stats = sample === '' ? priorStats() : sampleStats(Buffer.from(sample), 0, Buffer.byteLength(sample));
          const plan = planSearch(literals, stats);
          literals.forEach((l, i) => {
            // One spelling as the text might have it: random letter case where case does not matter.
            const spelling = Buffer.from(l.bytes.map((b, j) => (l.caseInsensitive && b >= 0x61 && b <= 0x7a && upper[j % 20] ? b - 0x20 : b)));
            assert.ok(found(plan, i, spelling), `literal ${i} spelled ${spelling.toString('latin1')} is not found`);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('anchors on rare bytes and shares anchors between literals', () => {
    const literals = [literal('token has expired', true), literal('x509: certificate has expired', true)];
    const plan = planSearch(literals, priorStats());
    // Both literals hold an x, the rarest letter they have: one pass per letter case serves both.
    assert.equal(plan.needles.length, 2);
    for (const n of plan.needles) assert.deepEqual(n.checks.map((c) => c.literal).sort(), [0, 1]);
  });

  it('avoids a byte the sampled text is full of', () => {
    const literals = [literal('unauthorized', true)];
    const quiet = planSearch(literals, priorStats());
    const stamped = 'Z 2026-11-22T03:40:01.000000000Z authorized request served\n'.repeat(1000);
    const busy = planSearch(literals, sampleStats(Buffer.from(stamped), 0, stamped.length));
    const needles = (p: ReturnType<typeof planSearch>): string[] =>
      p.needles.map((n) => (typeof n.needle === 'number' ? String.fromCharCode(n.needle) : n.needle.toString('latin1'))).sort();
    assert.deepEqual(needles(quiet), ['Z', 'z']);
    assert.ok(!needles(busy).includes('Z') && !needles(busy).includes('z'), needles(busy).join(','));
  });
});
