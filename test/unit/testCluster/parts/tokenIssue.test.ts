import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { TokenIssuer, keyIdOf, type IssueRequest, type IssuedToken } from '../../../cluster/tokenIssuer';
import { decodeParts, exchange, fixtureToken, indexed, shape, type IndexedToken, type Version } from './fixtures';

// The request a fixture token was minted from, rebuilt from the request side of the index.
function requestFor(t: IndexedToken): IssueRequest {
  const k8s = t.claims['kubernetes.io'] as { namespace: string; serviceaccount: { name: string; uid: string } };
  const req: IssueRequest = {
    namespace: k8s.namespace,
    serviceAccount: k8s.serviceaccount,
    expirationSeconds: t.expiration_seconds_requested ?? 3600,
    nowSeconds: t.iat ?? 0,
  };
  if (t.audiences_requested !== null) req.audiences = t.audiences_requested;
  if (t.bound_to !== null) {
    req.boundObject = { kind: t.bound_to.kind, name: t.bound_to.name, uid: t.bound_to.uid };
    const node = t.bound_to.pod_node;
    if (node !== undefined) req.node = node.uid === null ? { name: node.name } : { name: node.name, uid: node.uid };
  }
  return req;
}

function issueOk(issuer: TokenIssuer, req: IssueRequest): IssuedToken {
  const result = issuer.issue(req);
  assert.ok(result.ok, `issue failed: ${JSON.stringify(result)}`);
  return result.issued;
}

describe('TokenIssuer.issue against the recorded v1.32 tokens', () => {
  let issuer: TokenIssuer;
  before(() => {
    issuer = TokenIssuer.create();
  });

  const files = [
    'api-unbound-600s.jwt',
    'api-bound-pod-600s.jwt',
    'api-bound-pod-3607s.jwt',
    'api-audience-vault-1800s.jwt',
    'api-asked-48h-got-24h.jwt',
    'api-bound-pod-on-node-a-3607s.jwt',
    'api-bound-pod-on-node-ghost-3600s.jwt',
    'api-bound-node-a-3600s.jwt',
    'patroni-bound-secret-3600s.jwt',
    'payments-default-24h.jwt',
  ];
  for (const file of files) {
    it(`${file}: same header and claim keys in the same order, same claim values but jti`, () => {
      const t = indexed('v1.32', file);
      const ours = decodeParts(issueOk(issuer, requestFor(t)).token);
      const theirs = decodeParts(fixtureToken('v1.32', file));
      assert.deepEqual(shape(ours.header), shape(theirs.header));
      assert.deepEqual(shape(ours.payload), shape(theirs.payload));
      assert.match(String(ours.payload.jti), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual({ ...ours.payload, jti: 'x' }, { ...theirs.payload, jti: 'x' });
      assert.equal(ours.header.kid, issuer.kid);
    });
  }

  it('status.expirationTimestamp is iat + granted seconds even when the JWT exp is a year away', () => {
    const t = indexed('v1.32', 'api-bound-pod-3607s.jwt');
    const issued = issueOk(issuer, requestFor(t));
    const recorded = exchange('v1.32', 'tokenrequest-bound-pod-3607s').response.body as { status: { expirationTimestamp: string } };
    assert.equal(issued.expirationTimestamp, recorded.status.expirationTimestamp);
    assert.equal(issued.exp - issued.iat, 365 * 24 * 3600);
    assert.equal(issued.warnAfter, issued.iat + 3607);
    assert.equal(issued.expirationSeconds, 3607);
  });

  it('172800 s is shortened to 86400 s with the apiserver warning', () => {
    const t = indexed('v1.32', 'api-asked-48h-got-24h.jwt');
    const issued = issueOk(issuer, requestFor(t));
    const recorded = exchange('v1.32', 'tokenrequest-above-max-shortened').response.body as {
      spec: { expirationSeconds: number; audiences: string[] };
      status: { expirationTimestamp: string };
    };
    assert.equal(issued.warning, 'requested expiration of 172800 seconds shortened to 86400 seconds');
    assert.equal(issued.expirationSeconds, recorded.spec.expirationSeconds);
    assert.deepEqual(issued.audiences, recorded.spec.audiences);
    assert.equal(issued.expirationTimestamp, recorded.status.expirationTimestamp);
    assert.equal(issued.exp - issued.iat, 86400);
  });

  it('3607 s with a non-API audience gets no extension (tokenrequest-audience-multi-bound-pod, v1.28)', () => {
    const t = indexed('v1.28', 'api-audience-vault-and-kube-bound-pod-3607s.jwt');
    const issued = issueOk(issuer, requestFor(t));
    const { payload } = decodeParts(issued.token);
    const { jti: _jti, ...claims } = payload;
    assert.deepEqual(claims, t.claims);
    assert.equal(issued.warnAfter, undefined);
    assert.equal(issued.exp, issued.iat + 3607);
  });

  it('3607 s bound to a Secret or unbound is not extended: only pods are', () => {
    const base = { namespace: 'db', serviceAccount: { name: 'patroni', uid: 'u1' }, expirationSeconds: 3607, nowSeconds: 1000 };
    assert.equal(issueOk(issuer, base).exp, 1000 + 3607);
    assert.equal(issueOk(issuer, { ...base, boundObject: { kind: 'Secret', name: 's', uid: 'u2' } }).exp, 1000 + 3607);
  });

  it('extension can be switched off like --service-account-extend-token-expiration=false', () => {
    const plain = TokenIssuer.create({ extendExpiration: false, privateKeyPem: issuer.privateKeyPem() });
    const issued = issueOk(plain, requestFor(indexed('v1.32', 'api-bound-pod-3607s.jwt')));
    assert.equal(issued.exp - issued.iat, 3607);
    assert.equal(decodeParts(issued.token).payload['kubernetes.io'] !== undefined, true);
    assert.equal((decodeParts(issued.token).payload['kubernetes.io'] as Record<string, unknown>).warnafter, undefined);
  });

  it('below 600 s answers the recorded 422 Invalid, word for word', () => {
    const recorded = exchange('v1.32', 'tokenrequest-error-below-minimum').response;
    const body = recorded.body as { code: number; reason: string; message: string; details: unknown };
    const result = issuer.issue({ namespace: 'payments', serviceAccount: { name: 'api', uid: 'u' }, expirationSeconds: 300, nowSeconds: 1 });
    assert.ok(!result.ok);
    assert.equal(result.code, recorded.status);
    assert.equal(result.code, body.code);
    assert.equal(result.reason, body.reason);
    assert.equal(result.message, body.message);
    assert.deepEqual(result.details, body.details);
  });

  it('600 s is the smallest accepted duration', () => {
    assert.ok(issuer.issue({ namespace: 'n', serviceAccount: { name: 'a', uid: 'u' }, expirationSeconds: 600, nowSeconds: 5 }).ok);
    assert.ok(!issuer.issue({ namespace: 'n', serviceAccount: { name: 'a', uid: 'u' }, expirationSeconds: 599, nowSeconds: 5 }).ok);
  });

  it('every token gets its own jti', () => {
    const req = { namespace: 'n', serviceAccount: { name: 'a', uid: 'u' }, expirationSeconds: 600, nowSeconds: 5 };
    assert.notEqual(issueOk(issuer, req).jti, issueOk(issuer, req).jti);
  });
});

describe('legacy Secret tokens', () => {
  it('have exactly the claims of the recorded patroni token', () => {
    const issuer = TokenIssuer.create();
    for (const version of ['v1.28', 'v1.32'] as Version[]) {
      const recorded = decodeParts(fixtureToken(version, 'patroni-legacy-secret.jwt'));
      const uid = String(recorded.payload['kubernetes.io/serviceaccount/service-account.uid']);
      const ours = decodeParts(issuer.legacyToken({ namespace: 'db', serviceAccount: { name: 'patroni', uid }, secretName: 'patroni-token' }));
      assert.equal(ours.payloadJson, recorded.payloadJson);
      assert.deepEqual(shape(ours.header), shape(recorded.header));
    }
  });
});

describe('signing keys', () => {
  it('kid is base64url(sha256(DER SPKI)): it reproduces the recorded kid from the recorded JWKS', () => {
    const jwks = exchange('v1.32', 'openid-jwks').response.body as { keys: (JsonWebKey & { kid: string })[] };
    const key = jwks.keys[0];
    assert.ok(key !== undefined);
    assert.equal(keyIdOf(createPublicKey({ key, format: 'jwk' })), key.kid);
  });

  it('jwks() has the recorded shape and its kid matches the key it carries', () => {
    const issuer = TokenIssuer.create();
    const recorded = exchange('v1.32', 'openid-jwks').response.body;
    const ours = issuer.jwks();
    assert.deepEqual(shape(ours), shape(recorded));
    const key = ours.keys[0] as JsonWebKey & { kid: string };
    assert.equal(key.kid, issuer.kid);
    assert.equal(keyIdOf(createPublicKey({ key, format: 'jwk' })), issuer.kid);
  });

  it('openidConfiguration() matches the recorded document', () => {
    const issuer = TokenIssuer.create();
    const recorded = exchange('v1.32', 'openid-configuration').response.body as Record<string, unknown>;
    assert.deepEqual(issuer.openidConfiguration(String(recorded.jwks_uri)), recorded);
  });

  it('a key given as PEM is reused, so kid stays stable across restarts', () => {
    const first = TokenIssuer.create();
    const second = TokenIssuer.create({ privateKeyPem: first.privateKeyPem() });
    assert.equal(second.kid, first.kid);
  });

  it("jose's jwtVerify accepts bound, unbound and legacy tokens through the JWKS", async () => {
    const issuer = TokenIssuer.create();
    const jwks = createLocalJWKSet(issuer.jwks());
    const now = 1_795_317_531;
    const bound = issueOk(issuer, {
      namespace: 'payments',
      serviceAccount: { name: 'api', uid: 'sa-uid' },
      expirationSeconds: 3607,
      nowSeconds: now,
      boundObject: { kind: 'Pod', name: 'api-1', uid: 'pod-uid' },
    });
    const unbound = issueOk(issuer, { namespace: 'payments', serviceAccount: { name: 'api', uid: 'sa-uid' }, expirationSeconds: 600, nowSeconds: now });
    const legacy = issuer.legacyToken({ namespace: 'db', serviceAccount: { name: 'patroni', uid: 'p' }, secretName: 'patroni-token' });
    const currentDate = new Date((now + 10) * 1000);
    for (const t of [bound.token, unbound.token]) {
      const { payload, protectedHeader } = await jwtVerify(t, jwks, {
        issuer: issuer.issuer,
        audience: issuer.apiAudiences[0],
        currentDate,
        algorithms: ['RS256'],
      });
      assert.equal(protectedHeader.kid, issuer.kid);
      assert.equal(payload.sub, 'system:serviceaccount:payments:api');
    }
    const { payload } = await jwtVerify(legacy, jwks, { issuer: 'kubernetes/serviceaccount', currentDate });
    assert.equal(payload.sub, 'system:serviceaccount:db:patroni');
    await assert.rejects(jwtVerify(unbound.token, jwks, { currentDate: new Date((now + 700) * 1000) }));
  });
});
