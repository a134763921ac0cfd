import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessCredential } from '../../../src/diagnosis/credentialAssessment';
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
