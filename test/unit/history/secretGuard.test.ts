// The history's last line of defence: a record field shaped like a raw token (a JWT, a base64 JWT as a
// Secret holds it, an EKS token) is named, wherever it is nested; fingerprints and claims pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldHoldingToken } from '../../../src/history/secretGuard';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const EKS = `k8s-aws-v1.${Buffer.from('https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15').toString('base64url')}`;

describe('fields that hold a raw token', () => {
  it('names a JWT, a base64 JWT and an EKS token, nested or not', () => {
    assert.equal(fieldHoldingToken({ line: `Authorization: Bearer ${JWT}` }), 'line');
    assert.equal(fieldHoldingToken({ a: { b: Buffer.from(JWT).toString('base64') } }), 'a.b');
    assert.equal(fieldHoldingToken({ ok: 'fine', caller: { userAgent: `curl ${EKS}` } }), 'caller.userAgent');
  });

  it('lets fingerprints, claims and masked text through', () => {
    assert.equal(fieldHoldingToken({ fingerprint: 'sha256:0f3a9c', sub: 'system:serviceaccount:db:patroni', line: 'Bearer k8s-aws-v1.***' }), undefined);
  });
});
