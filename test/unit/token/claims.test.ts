import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { readClaims } from '../../../src/token/claims';
import { fixtureTokens, type FixtureToken } from '../../support/fixtureTokens';

const all: FixtureToken[] = [...fixtureTokens('v1.28'), ...fixtureTokens('v1.32')];

describe('readClaims on recorded tokens', () => {
  for (const t of all.filter((x) => x.entry.kind === 'bound-service-account-token')) {
    it(`${t.version}/${t.entry.file}: the kubernetes.io claim names the service account and the binding`, () => {
      const c = readClaims(t.entry.claims);
      const [namespace, saName] = t.entry.serviceaccount.split('/');
      assert.equal(c.legacy, false);
      assert.equal(c.iss, 'https://kubernetes.default.svc.cluster.local');
      assert.equal(c.sub, `system:serviceaccount:${namespace}:${saName}`);
      assert.equal(c.kubernetes?.namespace, namespace);
      assert.equal(c.kubernetes?.serviceAccount?.name, saName);
      assert.match(c.kubernetes?.serviceAccount?.uid ?? '', /^[0-9a-f-]{36}$/);
      const bound = t.entry.bound_to;
      if (bound === null) {
        assert.equal(c.kubernetes?.pod, undefined);
        assert.equal(c.kubernetes?.secret, undefined);
        assert.equal(c.kubernetes?.node, undefined);
      } else if (bound.kind === 'Pod') {
        assert.deepEqual(c.kubernetes?.pod, { name: bound.name, uid: bound.uid });
        // Only 1.32 puts the pod's node into the token.
        if (t.version === 'v1.32' && typeof bound.pod_node === 'object') {
          const node = bound.pod_node.uid === null ? { name: bound.pod_node.name } : { name: bound.pod_node.name, uid: bound.pod_node.uid };
          assert.deepEqual(c.kubernetes?.node, node);
        } else assert.equal(c.kubernetes?.node, undefined);
      } else if (bound.kind === 'Secret') {
        assert.deepEqual(c.kubernetes?.secret, { name: bound.name, uid: bound.uid });
      } else if (bound.kind === 'Node') {
        assert.deepEqual(c.kubernetes?.node, { name: bound.name, uid: bound.uid });
        assert.equal(c.kubernetes?.pod, undefined);
      }
      assert.equal(c.kubernetes?.warnAfter, t.entry.warnafter ?? undefined);
    });
  }

  for (const version of ['v1.28', 'v1.32'] as const) {
    it(`${version}: the legacy Secret token's flat claims become the same shape, marked legacy`, () => {
      const t = all.find((x) => x.version === version && x.entry.file === 'patroni-legacy-secret.jwt');
      assert.ok(t);
      const c = readClaims(t.entry.claims);
      assert.equal(c.legacy, true);
      assert.equal(c.iss, 'kubernetes/serviceaccount');
      assert.equal(c.exp, undefined);
      assert.equal(c.iat, undefined);
      assert.deepEqual(c.aud, []);
      assert.deepEqual(c.kubernetes, {
        namespace: 'db',
        serviceAccount: { name: 'patroni', uid: t.entry.claims['kubernetes.io/serviceaccount/service-account.uid'] },
        secret: { name: 'patroni-token' },
      });
    });
  }

  it('an extended token carries warnafter 3607 s after iat', () => {
    for (const t of all.filter((x) => x.entry.file === 'api-bound-pod-3607s.jwt')) {
      const c = readClaims(t.entry.claims);
      assert.equal((c.kubernetes?.warnAfter ?? 0) - (c.iat ?? 0), 3607);
      assert.equal((c.exp ?? 0) - (c.iat ?? 0), 365 * 86400);
    }
  });
});

describe('readClaims on hand-made payloads', () => {
  it('turns a single audience string into a list and drops non-strings from a list', () => {
    assert.deepEqual(readClaims({ aud: 'vault' }).aud, ['vault']);
    assert.deepEqual(readClaims({ aud: ['a', 3, null, 'b'] }).aud, ['a', 'b']);
    assert.deepEqual(readClaims({}).aud, []);
  });

  it('ignores claims of the wrong type instead of throwing', () => {
    const c = readClaims({
      iss: 7,
      sub: ['x'],
      aud: 5,
      exp: '1795317363',
      iat: null,
      nbf: Number.NaN,
      jti: 12,
      'kubernetes.io': { namespace: 3, pod: { uid: 'only-uid' }, serviceaccount: { name: 'api', uid: 9 }, node: 'node-a', warnafter: '1' },
    });
    assert.equal(c.iss, undefined);
    assert.equal(c.sub, undefined);
    assert.deepEqual(c.aud, []);
    assert.equal(c.exp, undefined);
    assert.equal(c.iat, undefined);
    assert.equal(c.nbf, undefined);
    assert.equal(c.jti, undefined);
    assert.deepEqual(c.kubernetes, { serviceAccount: { name: 'api' } });
  });

  it('survives a kubernetes.io claim that is not an object, and a payload that is not one', () => {
    assert.equal(readClaims({ 'kubernetes.io': 'x' }).kubernetes, undefined);
    assert.equal(readClaims({ 'kubernetes.io': [1] }).kubernetes, undefined);
    const c = readClaims(null as unknown as Record<string, unknown>);
    assert.deepEqual(c.aud, []);
    assert.equal(c.legacy, false);
  });

  it('keeps every claim in raw', () => {
    const payload = { sub: 'a', custom: { deep: [1, 2] } };
    assert.deepEqual(readClaims(payload).raw, payload);
  });

  it('marks a token with flat legacy claims as legacy even with another issuer', () => {
    const c = readClaims({ iss: 'other', 'kubernetes.io/serviceaccount/namespace': 'db' });
    assert.equal(c.legacy, true);
    assert.deepEqual(c.kubernetes, { namespace: 'db' });
  });
});

describe('readClaims, kept by the thousand', () => {
  it('gives plain objects, not dictionaries, whatever claims are missing', () => {
    // A deleted property turns an object into a dictionary ten times its size; a document's tokens stay in memory.
    setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = runInThisContext('(o) => %HasFastProperties(o)') as (o: object) => boolean;
    const claims = [
      readClaims({ sub: 'a', exp: 1 }),
      readClaims({ iss: 'kubernetes/serviceaccount', 'kubernetes.io/serviceaccount/namespace': 'db' }),
      readClaims({ iss: 'x', sub: 'y', aud: ['z'], exp: 2, iat: 1, nbf: 1, jti: 'j', 'kubernetes.io': { namespace: 'n', pod: { name: 'p' } } }),
    ];
    for (const c of claims) {
      assert.equal(hasFastProperties(c), true, JSON.stringify(c));
      if (c.kubernetes !== undefined) assert.equal(hasFastProperties(c.kubernetes), true);
    }
    assert.deepEqual(Object.keys(claims[0] ?? {}), ['sub', 'aud', 'exp', 'legacy', 'raw'], 'absent claims are left out, in order');
  });
});
