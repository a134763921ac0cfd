import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssessmentCache, assessCredential } from '../../../src/diagnosis/credentialAssessment';
import type { LocatedCredential } from '../../../src/token/types';

const S0 = 1_800_000_000;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string => `${b64url({ alg: 'RS256' })}.${b64url(claims)}.c2lnbmF0dXJl`;

function located(value: string, at = 0): LocatedCredential {
  return { kind: 'jwt', start: at, end: at + value.length, path: 'users[0].user.token', value };
}

describe('assessCredential', () => {
  it('decodes a value once and works out its state at each moment', () => {
    // The value is cut from a larger text, as a document's credentials are.
    const text = `token: ${jwt({ sub: 'a', iat: S0 - 3600, exp: S0 + 3600 })}\n`;
    const value = text.slice(7, -1);
    const first = assessCredential(located(value, 7), S0);
    const again = assessCredential(located(value.split('').join(''), 900), S0 + 7200);
    assert.equal(first.kind, 'token');
    assert.equal(again.kind, 'token');
    if (first.kind !== 'token' || again.kind !== 'token') return;
    assert.equal(again.token, first.token, 'the same decoded token, not a second decode');
    assert.deepEqual([first.expiry.state, again.expiry.state], ['valid', 'expired']);
    assert.equal(again.located.start, 900, 'the assessment is of the credential asked about');
    assert.match(again.warning ?? '', /expired 1 h ago/);
  });

  it('says what stale means, not only when it expires', () => {
    const value = jwt({ sub: 'a', iat: S0 - 7200, exp: S0 + 364 * 86400, 'kubernetes.io': { namespace: 'p', warnafter: S0 - 3593 } });
    const a = assessCredential(located(value), S0);
    assert.equal(a.kind === 'token' ? a.expiry.state : a.kind, 'stale');
    assert.equal(
      a.kind === 'token' ? a.warning : undefined,
      'Stale, past its warnafter, 2027-01-15T07:00:07 UTC: the API server extends it only while --service-account-extend-token-expiration is on; ' +
        'the kubelet would have replaced it by now. A workload still sending it is not re-reading its token file.',
    );
  });

  it('keeps opaque and broken values apart from tokens and certificates', () => {
    const opaque = assessCredential(located('not-a-jwt-at-all'), S0);
    assert.equal(opaque.kind, 'opaque');
    const broken = assessCredential(located('eyJhbGciOiJSUzI1NiJ9.!!!.x'), S0);
    assert.equal(broken.kind, 'invalid');
    const asCertificate = assessCredential({ kind: 'certificate', start: 0, end: 16, path: 'ca.crt', value: 'not-a-jwt-at-all' }, S0);
    assert.equal(asCertificate.kind, 'invalid', 'the same text as a certificate is decoded as one');
  });
});

describe('AssessmentCache', () => {
  const now = 1_800_000_000;
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const jwt = (exp: number): string => `${b64({ alg: 'RS256' })}.${b64({ sub: 'system:serviceaccount:a:b', exp })}.c2ln`;
  const located = (value: string): LocatedCredential => ({ kind: 'jwt', start: 0, end: value.length, path: 'token', value });

  it('gives the same assessment for the same credential object until its state may change, and a new one after', () => {
    const cache = new AssessmentCache();
    const l = located(jwt(now + 30));
    cache.begin();
    const first = cache.assess(l, now);
    assert.equal(first.kind === 'token' ? first.expiry.state : '', 'expiring');
    cache.begin();
    assert.equal(cache.assess(l, now + 10), first, 'kept: nothing can have changed');
    cache.begin();
    const later = cache.assess(l, now + 31);
    assert.notEqual(later, first);
    assert.equal(later.kind === 'token' ? later.expiry.state : '', 'expired');
  });

  it('assesses again when the value changed in place, when the words are a minute old, or when the options change', () => {
    const cache = new AssessmentCache();
    const l = located(jwt(now + 30 * 86_400));
    cache.begin();
    const first = cache.assess(l, now);
    l.value = jwt(now - 5);
    cache.begin();
    const edited = cache.assess(l, now);
    assert.equal(edited.kind === 'token' ? edited.expiry.state : '', 'expired');
    cache.begin();
    assert.equal(cache.assess(l, now + 59), edited);
    cache.begin();
    assert.notEqual(cache.assess(l, now + 61), edited, 'words such as "expired 5 s ago" are refreshed after a minute');
    cache.begin({ windowSeconds: 60 });
    assert.notEqual(cache.assess(l, now + 61, { windowSeconds: 60 }), first);
  });

  it('lets go of credentials the last version no longer held', () => {
    const cache = new AssessmentCache();
    const kept = located(jwt(now + 86_400));
    const dropped = located(jwt(now + 86_400));
    cache.begin();
    cache.assess(kept, now);
    const old = cache.assess(dropped, now);
    cache.begin();
    cache.assess(kept, now);
    cache.begin();
    assert.notEqual(cache.assess(dropped, now), old, 'a credential skipped by one version is assessed afresh');
  });

  it('keeps the assessments of the credentials around one that was removed or added', () => {
    const cache = new AssessmentCache();
    const list = Array.from({ length: 30 }, (_, i) => located(jwt(now + 30 * 86_400 + i)));
    cache.begin();
    const first = list.map((l) => cache.assess(l, now));
    // The 10th credential deleted, a new one put in after the 20th: the others are the same objects.
    const edited = [...list.slice(0, 10), ...list.slice(11, 21), located(jwt(now + 5)), ...list.slice(21)];
    cache.begin();
    const again = edited.map((l) => cache.assess(l, now + 1));
    const kept = [...first.slice(0, 10), ...first.slice(11, 21), undefined, ...first.slice(21)];
    again.forEach((a, i) => {
      if (i === 20) assert.equal(a.kind === 'token' ? a.expiry.state : '', 'expiring', 'the new one is assessed');
      else assert.equal(a, kept[i], `credential ${i} keeps its assessment`);
    });
  });

  it('gives a credential located afresh, with the same kind and value, the last assessment, of itself', () => {
    const cache = new AssessmentCache();
    const list = Array.from({ length: 20 }, (_, i) => located(jwt(now + 30 * 86_400 + i)));
    cache.begin();
    const first = list.map((l) => cache.assess(l, now));
    // As the worker thread answers: new objects, equal to the old ones, one of them now another kind.
    const fresh = list.map((l, i): LocatedCredential => ({ ...l, kind: i === 7 ? 'base64Jwt' : l.kind, start: l.start + 3 }));
    cache.begin();
    const again = fresh.map((l) => cache.assess(l, now + 1));
    again.forEach((a, i) => {
      const before = first[i];
      assert.equal(a.located, fresh[i], 'the assessment is of the credential asked about');
      if (a.kind !== 'token' || before?.kind !== 'token') assert.fail('a token');
      if (i === 7) assert.notEqual(a.expiry, before.expiry, 'another kind: assessed afresh');
      else assert.equal(a.expiry, before.expiry, 'the same value: not assessed again');
    });
    // And the next version finds them by identity again.
    cache.begin();
    assert.equal(cache.assess(fresh[0] ?? located(''), now + 2), again[0]);
  });
});
