// The offline verdict on its own: kube-apiserver's order of checks, its 60 s leeway, and "unknown" (never
// "accepted") for whatever the session could not see. The agreement with a real TokenReview is
// test/unit/app/tokenVerdicts.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  tokenVerdict,
  type ApiServerIdentity,
  type BoundObjects,
  type Presence,
  type PresentTokenSecret,
  type SignatureInput,
  type TokenVerdict,
} from '../../../src/diagnosis/tokenVerdict';
import { readClaims } from '../../../src/token/claims';
import type { DecodedToken } from '../../../src/token/types';

const NOW = 1_800_000_000;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SERVER: ApiServerIdentity = { issuer: ISSUER, audiences: [ISSUER], audiencesComplete: true };
const SIGNED: SignatureInput = { status: 'signed' };
const SA = { name: 'api', uid: 'sa-uid' };
const POD = { name: 'p-doomed', uid: 'pod-uid' };

function token(payload: Record<string, unknown>, fingerprint = 'f1f1f1f1f1f1f1f1'): DecodedToken {
  return { header: { alg: 'RS256' }, claims: readClaims(payload), fingerprint };
}

function bound(extra: Record<string, unknown> = {}, k8s: Record<string, unknown> = {}): DecodedToken {
  return token({
    iss: ISSUER,
    aud: [ISSUER],
    iat: NOW - 600,
    nbf: NOW - 600,
    exp: NOW + 3000,
    sub: 'system:serviceaccount:payments:api',
    'kubernetes.io': { namespace: 'payments', serviceaccount: SA, ...k8s },
    ...extra,
  });
}

type World = Partial<Record<'sa' | 'pod' | 'secret', Presence>> & { tokenSecret?: Presence<PresentTokenSecret> };

function objects(world: World = {}): BoundObjects {
  const present = (uid: string): Presence => ({ state: 'present', uid });
  return {
    serviceAccount: () => world.sa ?? present(SA.uid),
    pod: () => world.pod ?? present(POD.uid),
    secret: () => world.secret ?? present('secret-uid'),
    tokenSecret: () => world.tokenSecret ?? { state: 'present', uid: 'secret-uid', tokenFingerprint: 'f1f1f1f1f1f1f1f1' },
  };
}

function verdict(t: DecodedToken, o: { world?: World; signature?: SignatureInput; server?: ApiServerIdentity; now?: number } = {}): TokenVerdict {
  return tokenVerdict({ token: t, signature: o.signature ?? SIGNED, server: o.server ?? SERVER, objects: objects(o.world), nowSec: o.now ?? NOW });
}

function refusal(v: TokenVerdict): [string, string] {
  assert.equal(v.outcome, 'refused', v.text);
  return [v.outcome === 'refused' ? v.reason : '', v.text];
}

describe('tokenVerdict', () => {
  it('accepts a signed token of this cluster whose objects exist', () => {
    assert.deepEqual(verdict(bound({}, { pod: POD })), {
      outcome: 'accepted',
      text: 'accepted by this API server',
      stale: false,
      acceptance: 'accepted by this API server',
    });
  });

  it("says what stale means: past warnafter, kept alive by the API server's extension, replaced by the kubelet by now", () => {
    const v = verdict(bound({ exp: NOW + 360 * 86400 }, { pod: POD, warnafter: NOW - 3600 }));
    assert.equal(v.outcome, 'accepted');
    assert.ok(v.outcome === 'accepted' && v.stale);
    assert.equal(
      v.text,
      'accepted by this API server, but stale: past its warnafter, 2027-01-15T07:00:00 UTC: the API server extends it only while ' +
        '--service-account-extend-token-expiration is on; the kubelet would have replaced it by now',
    );
  });

  it('keeps the 60 s leeway of exp, nbf and iat as kube-apiserver does', () => {
    const expiring = bound({ exp: NOW });
    assert.equal(verdict(expiring, { now: NOW + 60 }).outcome, 'accepted');
    assert.match(verdict(expiring, { now: NOW + 30 }).text, /for 30 s more: it expired at .* inside the API server's 60 s leeway/);
    assert.deepEqual(refusal(verdict(expiring, { now: NOW + 61 })), ['expired', 'expired at 2027-01-15T08:00:00 UTC: the API server refuses it']);
    const early = bound({ nbf: NOW + 60, iat: NOW + 60 });
    assert.equal(verdict(early).outcome, 'accepted');
    assert.equal(refusal(verdict(bound({ nbf: NOW + 61, iat: NOW - 10 })))[0], 'notYetValid');
    assert.match(refusal(verdict(bound({ nbf: NOW - 10, iat: NOW + 61 })))[1], /^issued in the future/);
  });

  it('refuses a token of this issuer that its keys did not sign, before anything else', () => {
    const v = verdict(bound({ exp: NOW - 3600 }), { signature: { status: 'notSigned', reason: "the signature does not match this cluster's key" } });
    assert.deepEqual(refusal(v), [
      'signature',
      "not signed by this cluster's keys (the signature does not match this cluster's key): the API server refuses it",
    ]);
  });

  it('a token of another issuer is not judged: the verdict is not this cluster’s to give', () => {
    const v = verdict(bound({ iss: 'https://oidc.example' }), { signature: { status: 'notSigned', reason: 'no key' } });
    assert.deepEqual(v, { outcome: 'foreign', text: `issued by https://oidc.example, not by this cluster (${ISSUER})` });
    // Signed by this cluster's keys under an issuer it does not publish: one of several issuers, perhaps.
    assert.equal(verdict(bound({ iss: 'https://other.issuer' })).outcome, 'unknown');
  });

  it('refuses a token for another audience only once the whole audience list is known', () => {
    const vault = bound({ aud: ['vault'] });
    assert.deepEqual(refusal(verdict(vault)), ['audience', `for audience vault, not accepted by this API server (it accepts ${ISSUER})`]);
    const partial = verdict(vault, { server: { issuer: ISSUER, audiences: [ISSUER], audiencesComplete: false } });
    assert.equal(partial.outcome, 'unknown');
    assert.match(partial.text, /it is for audience vault, and of this API server's audiences only .* is known to be one/);
    assert.equal(verdict(bound({ aud: ['vault', ISSUER] })).outcome, 'accepted', 'one accepted audience is enough');
    assert.equal(verdict(bound({ aud: [] }), { server: { issuer: ISSUER, audiences: [], audiencesComplete: false } }).outcome, 'accepted');
  });

  it('invalidates a token whose pod or Secret is gone, recreated, or deleted more than 60 s ago', () => {
    const withPod = bound({}, { pod: POD });
    assert.deepEqual(refusal(verdict(withPod, { world: { pod: { state: 'absent' } } })), [
      'invalidated',
      'invalidated: its pod p-doomed (uid pod-uid) is gone',
    ]);
    assert.match(refusal(verdict(withPod, { world: { pod: { state: 'present', uid: 'new-uid' } } }))[1], /gone; the pod of that name now is uid new-uid/);
    assert.equal(verdict(withPod, { world: { pod: { state: 'present', uid: POD.uid, deletionSec: NOW - 60 } } }).outcome, 'accepted');
    assert.match(refusal(verdict(withPod, { world: { pod: { state: 'present', uid: POD.uid, deletionSec: NOW - 61 } } }))[1], /is being deleted since/);
    const withSecret = bound({}, { secret: { name: 'binding', uid: 's-uid' } });
    assert.deepEqual(refusal(verdict(withSecret, { world: { secret: { state: 'absent' } } })), [
      'invalidated',
      'invalidated: its Secret binding (uid s-uid) is gone',
    ]);
  });

  it('says the service account was deleted when it is gone or was made again with another uid', () => {
    assert.deepEqual(refusal(verdict(bound(), { world: { sa: { state: 'absent' } } })), [
      'serviceAccount',
      'its service account was deleted: payments/api no longer exists',
    ]);
    assert.match(
      refusal(verdict(bound(), { world: { sa: { state: 'present', uid: 'other' } } }))[1],
      /^its service account was deleted: .* made again \(uid other\)/,
    );
    // The service account is checked before the pod, as the server does.
    assert.equal(refusal(verdict(bound({}, { pod: POD }), { world: { sa: { state: 'absent' }, pod: { state: 'absent' } } }))[0], 'serviceAccount');
  });

  it('is unknown, never accepted, while something it depends on could not be seen', () => {
    const why = 'namespace payments is not among those the extension lists';
    const v = verdict(bound({}, { pod: POD }), { world: { pod: { state: 'unknown', why } } });
    assert.equal(v.outcome, 'unknown');
    assert.match(v.text, /whether its pod payments\/p-doomed still exists \(namespace payments is not among/);
    const unchecked = verdict(bound(), { signature: { status: 'unchecked', reason: 'could not fetch the keys (403)' } });
    assert.equal(unchecked.outcome, 'unknown');
    // ...but a certain refusal stays a refusal: every way the unknown part goes, the server refuses.
    assert.equal(verdict(bound({ exp: NOW - 3600 }), { signature: { status: 'unchecked', reason: 'x' } }).outcome, 'refused');
    const noIssuer = verdict(bound(), { signature: { status: 'unchecked', reason: 'x' }, server: { audiences: [], audiencesComplete: false } });
    assert.equal(noIssuer.outcome, 'unknown');
  });

  describe('legacy Secret tokens', () => {
    const legacy = (extra: Record<string, unknown> = {}): DecodedToken =>
      token({
        iss: 'kubernetes/serviceaccount',
        sub: 'system:serviceaccount:payments:api',
        'kubernetes.io/serviceaccount/namespace': 'payments',
        'kubernetes.io/serviceaccount/secret.name': 'api-token',
        'kubernetes.io/serviceaccount/service-account.name': 'api',
        'kubernetes.io/serviceaccount/service-account.uid': SA.uid,
        ...extra,
      });

    it('accepts one whose Secret holds it and whose service account is the one it names', () => {
      assert.equal(verdict(legacy()).outcome, 'accepted');
    });

    it('refuses one whose Secret is gone or holds another token, or is marked invalid', () => {
      assert.deepEqual(refusal(verdict(legacy(), { world: { tokenSecret: { state: 'absent' } } })), [
        'invalidated',
        'invalidated: its Secret payments/api-token is gone',
      ]);
      const replaced = verdict(legacy(), { world: { tokenSecret: { state: 'present', uid: 's', tokenFingerprint: '0000000000000000' } } });
      assert.match(refusal(replaced)[1], /holds another token now/);
      const marked = verdict(legacy(), {
        world: { tokenSecret: { state: 'present', uid: 's', tokenFingerprint: 'f1f1f1f1f1f1f1f1', invalidSince: '2026-01-01' } },
      });
      assert.equal(refusal(marked)[0], 'legacyInvalid');
    });

    it('refuses one whose service account was made again', () => {
      assert.equal(refusal(verdict(legacy(), { world: { sa: { state: 'present', uid: 'other' } } }))[0], 'serviceAccount');
      assert.equal(refusal(verdict(legacy({ sub: 'system:serviceaccount:payments:other' })))[0], 'malformed');
    });
  });
});
