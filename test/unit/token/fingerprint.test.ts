import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { fingerprint } from '../../../src/token/fingerprint';
import { normalizeToken } from '../../../src/token/normalizeToken';
import { allFixtureJwts } from '../../support/fixtureTokens';

describe('fingerprint', () => {
  const tokens = allFixtureJwts().map((t) => t.trim());

  it('is 16 lowercase hex characters of sha256', () => {
    for (const t of tokens) {
      assert.match(fingerprint(t), /^[0-9a-f]{16}$/);
      assert.equal(fingerprint(t), createHash('sha256').update(t).digest('hex').slice(0, 16));
    }
  });

  it('does not depend on whitespace or a Bearer prefix around the token', () => {
    const t = tokens[0] ?? '';
    assert.equal(fingerprint(`Bearer ${t}\n`), fingerprint(t));
    assert.equal(fingerprint(` ${t} `), fingerprint(t));
  });

  it('differs for tokens differing in one signature character', () => {
    const t = tokens[0] ?? '';
    const flipped = t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
    assert.notEqual(fingerprint(flipped), fingerprint(t));
  });
});

describe('normalizeToken', () => {
  it('trims and removes one Bearer prefix in any case', () => {
    assert.equal(normalizeToken('  Bearer abc \n'), 'abc');
    assert.equal(normalizeToken('BEARER\tabc'), 'abc');
    assert.equal(normalizeToken('Bearer'), '');
    assert.equal(normalizeToken('Bearerabc'), 'Bearerabc');
  });
});
