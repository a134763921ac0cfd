// The in-memory token store behind "Copy token": by fingerprint, by document, dropped on expiry and past a cap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenVault } from '../../../../src/ui/commands/tokenVault';

const held = (fp: string, expiresAtSec?: number, context = 'dev') => ({
  fingerprint: fp,
  label: 'payments/api',
  context,
  namespace: 'payments',
  serviceAccount: 'api',
  ...(expiresAtSec !== undefined ? { expiresAtSec } : {}),
});

describe('TokenVault', () => {
  it('hands a token back by fingerprint and by the document showing it', () => {
    const v = new TokenVault(() => 100);
    v.put('raw-a', held('a', 200));
    v.linkDocument('cluster-credentials:/1/Token a.md', 'a');
    assert.equal(v.token('a'), 'raw-a');
    assert.equal(v.fingerprintOfDocument('cluster-credentials:/1/Token a.md'), 'a');
    assert.equal(v.latestFor('dev', 'payments', 'api')?.fingerprint, 'a');
    assert.equal(v.token('b'), undefined);
  });

  it('hands a service account token back only to the context that issued it', () => {
    const v = new TokenVault(() => 100);
    v.put('raw-dev', held('dev-a', 200, 'dev'));
    v.put('raw-prod', held('prod-a', 200, 'prod'));
    assert.equal(v.latestFor('dev', 'payments', 'api')?.fingerprint, 'dev-a');
    assert.equal(v.latestFor('prod', 'payments', 'api')?.fingerprint, 'prod-a');
    assert.equal(v.latestFor('staging', 'payments', 'api'), undefined);
  });

  it('forgets a token once it has expired', () => {
    let now = 100;
    const v = new TokenVault(() => now);
    v.put('raw-a', held('a', 200));
    v.linkDocument('doc', 'a');
    now = 200;
    assert.equal(v.token('a'), undefined);
    assert.equal(v.fingerprintOfDocument('doc'), undefined);
    assert.equal(v.size, 0);
  });

  it('keeps at most 20, dropping the oldest', () => {
    const v = new TokenVault(() => 0);
    for (let i = 0; i < 25; i++) v.put(`raw-${i}`, held(`fp${i}`));
    assert.equal(v.size, 20);
    assert.equal(v.token('fp4'), undefined);
    assert.equal(v.token('fp5'), 'raw-5');
    assert.equal(v.latestFor('dev', 'payments', 'api')?.fingerprint, 'fp24');
    v.clear();
    assert.equal(v.size, 0);
  });
});
