// The oidc auth-provider's id-token by client-go's rule: used while more than 10 s from its exp, and otherwise a
// sentence (kubectl would renew it with the refresh-token and write it into the kubeconfig).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oidcToken } from '../../../../src/cluster/auth/oidcToken';

const NOW_MS = 1_800_000_000_000;
const jwt = (claims: Record<string, unknown>): string => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const config = (extra: Record<string, unknown>) => ({ 'idp-issuer-url': 'https://dex.example.com', 'client-id': 'k8s', ...extra });

describe('oidcToken', () => {
  it('uses an id-token more than 10 s from its exp', () => {
    const token = jwt({ exp: NOW_MS / 1000 + 11 });
    assert.deepEqual(oidcToken('me', config({ 'id-token': token }), NOW_MS), { ok: true, token, expiresAtSec: NOW_MS / 1000 + 11 });
  });

  it('takes an id-token within 10 s of its exp, or without exp, for expired', () => {
    for (const token of [jwt({ exp: NOW_MS / 1000 + 10 }), jwt({ sub: 'x' })]) {
      const r = oidcToken('me', config({ 'id-token': token }), NOW_MS);
      assert.ok(!r.ok);
      assert.match(r.message, /expired and no refresh-token .*No valid id-token, and cannot refresh without refresh-token/);
    }
  });

  it('says kubectl renews an expired id-token that has a refresh-token', () => {
    const r = oidcToken('me', config({ 'id-token': jwt({ exp: 1 }), 'refresh-token': 'rt' }), NOW_MS);
    assert.ok(!r.ok);
    assert.match(r.message, /kubectl renews it with the refresh-token at https:\/\/dex\.example\.com .*run any kubectl command/);
  });

  it('refuses an id-token that is not a JWT, as kubectl does', () => {
    const r = oidcToken('me', config({ 'id-token': 'opaque' }), NOW_MS);
    assert.ok(!r.ok);
    assert.match(r.message, /ID Token is not a valid JWT/);
  });
});
