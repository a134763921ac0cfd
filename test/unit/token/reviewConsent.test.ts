// When Review Token asks before sending a token to a cluster.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeToken } from '../../../src/token/jwt';
import { reviewConsent, type ConsentInput } from '../../../src/token/reviewConsent';
import type { DecodedToken } from '../../../src/token/types';

function jwt(claims: Record<string, unknown>): DecodedToken {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const decoded = decodeToken(`${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2lnbmF0dXJl`);
  assert.ok(decoded.ok);
  return decoded.token;
}

const CLUSTER = 'https://kubernetes.default.svc.cluster.local';
const ours = jwt({ iss: CLUSTER, aud: [CLUSTER], sub: 'system:serviceaccount:payments:api', exp: 2_000_000_000 });
const foreign = jwt({ iss: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', aud: ['vault'], sub: 'system:serviceaccount:x:y', exp: 2_000_000_000 });
const base = (over: Partial<ConsentInput>): ConsentInput => ({
  origin: 'selection',
  context: 'prod',
  token: ours,
  fingerprint: ours.fingerprint,
  clusterIssuer: CLUSTER,
  ...over,
});

describe('reviewConsent', () => {
  it('sends a selected or typed token this cluster issued without asking', () => {
    assert.deepEqual(reviewConsent(base({ origin: 'selection' })), { ask: false });
    assert.deepEqual(reviewConsent(base({ origin: 'typed' })), { ask: false });
  });

  it("sends tokens held from Request Token and a pod's own token file without asking", () => {
    assert.deepEqual(reviewConsent(base({ origin: 'held', token: foreign, clusterIssuer: undefined })), { ask: false });
    assert.deepEqual(reviewConsent(base({ origin: 'liveFile', token: foreign })), { ask: false });
  });

  it('asks for a token from the clipboard, naming the context, the fingerprint, iss and aud', () => {
    const c = reviewConsent(base({ origin: 'clipboard' }));
    assert.equal(c.ask, true);
    if (!c.ask) return;
    assert.match(c.message, new RegExp(`sha256:${ours.fingerprint.slice(0, 16)}.*context prod`));
    assert.match(c.detail, new RegExp(`Issuer: ${CLUSTER}\\. Audiences: ${CLUSTER}\\.`));
    assert.match(c.detail, /came from the clipboard/);
  });

  it('asks for a token another issuer signed, saying whose it is', () => {
    const c = reviewConsent(base({ origin: 'typed', token: foreign, fingerprint: foreign.fingerprint }));
    assert.equal(c.ask, true);
    if (!c.ask) return;
    assert.match(c.detail, /issued by https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/ABC, not by this cluster/);
    assert.match(c.detail, /Audiences: vault\./);
  });

  it('asks when the cluster publishes no issuer, or the token is not a JWT', () => {
    assert.equal(reviewConsent(base({ clusterIssuer: undefined })).ask, true);
    const opaque = reviewConsent(base({ token: undefined, fingerprint: 'ab'.repeat(32) }));
    assert.equal(opaque.ask, true);
    if (opaque.ask) assert.match(opaque.detail, /Issuer: none\. Audiences: none\./);
  });
});
