import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { TokenIssuer, type AuthResult, type IssuedToken, type LiveObject, type Lookup, type UserInfo } from '../../../cluster/tokenIssuer';
import { exchange, fixtureToken, reviewError, shape } from './fixtures';

const T0 = 1_795_317_531;
const SA = { name: 'api', uid: 'daa7c1c8-2c3d-40a0-9dda-06c371ab374d' };
const POD = { name: 'api-on-node-a', uid: 'bdb01908-c2d4-4830-ad2a-b4936f7bed77' };
const NODE = { name: 'node-a', uid: '85228efb-c88b-41d7-9c8b-9994d83416ad' };

/** A tiny object store the authenticator looks bound objects up in. */
class World {
  readonly objects = new Map<string, LiveObject>();
  put(kind: string, namespace: string, name: string, o: LiveObject): void {
    this.objects.set(`${kind}/${namespace}/${name}`, o);
  }
  remove(kind: string, namespace: string, name: string): void {
    this.objects.delete(`${kind}/${namespace}/${name}`);
  }
  readonly lookup: Lookup = (kind, namespace, name) => this.objects.get(`${kind}/${namespace}/${name}`);
}

function recordedUser(version: 'v1.28' | 'v1.32', name: string): UserInfo {
  const body = exchange(version, name).response.body as { status: { user: UserInfo } };
  return body.status.user;
}

function okUser(r: AuthResult): UserInfo {
  assert.ok(r.ok, `not authenticated: ${r.ok ? '' : r.error}`);
  return r.user;
}

describe('TokenIssuer.authenticate', () => {
  let issuer: TokenIssuer;
  let world: World;
  const mint = (over: Partial<Parameters<TokenIssuer['issue']>[0]> = {}): IssuedToken => {
    const r = issuer.issue({ namespace: 'payments', serviceAccount: SA, expirationSeconds: 600, nowSeconds: T0, ...over });
    assert.ok(r.ok);
    return r.issued;
  };
  const auth = (token: string, nowSeconds: number, audiences?: string[]): AuthResult =>
    issuer.authenticate(token, { nowSeconds, lookup: world.lookup, ...(audiences ? { audiences } : {}) });

  before(() => {
    issuer = TokenIssuer.create();
  });
  const freshWorld = (): void => {
    world = new World();
    world.put('ServiceAccount', 'payments', SA.name, { uid: SA.uid });
    world.put('Pod', 'payments', POD.name, { uid: POD.uid });
    world.put('Node', '', NODE.name, { uid: NODE.uid });
  };

  it('a pod-bound token on a node gives the recorded user, extra keys in the recorded order', () => {
    freshWorld();
    const issued = mint({ expirationSeconds: 3607, boundObject: { kind: 'Pod', ...POD }, node: NODE });
    const r = auth(issued.token, T0 + 5);
    const user = okUser(r);
    const recorded = recordedUser('v1.32', 'tokenreview-bound-pod-on-node-valid');
    assert.deepEqual(
      { ...user, extra: { ...user.extra, 'authentication.kubernetes.io/credential-id': ['x'] } },
      { ...recorded, extra: { ...recorded.extra, 'authentication.kubernetes.io/credential-id': ['x'] } },
    );
    assert.deepEqual(user.extra['authentication.kubernetes.io/credential-id'], [`JTI=${issued.jti}`]);
    assert.deepEqual(shape(user), shape(recorded));
    assert.ok(r.ok);
    assert.deepEqual(r.audiences, ['https://kubernetes.default.svc.cluster.local']);
  });

  it('an unbound token has only credential-id in extra (tokenreview-unbound-valid)', () => {
    freshWorld();
    const user = okUser(auth(mint().token, T0));
    assert.deepEqual(shape(user), shape(recordedUser('v1.32', 'tokenreview-unbound-valid')));
  });

  it('a node-bound token has node-name and node-uid, and dies with the Node', () => {
    freshWorld();
    const t = mint({ expirationSeconds: 3600, boundObject: { kind: 'Node', ...NODE } }).token;
    assert.deepEqual(shape(okUser(auth(t, T0))), shape(recordedUser('v1.32', 'tokenreview-bound-node-valid')));
    world.remove('Node', '', NODE.name);
    assert.deepEqual(auth(t, T0 + 1), { ok: false, error: '[invalid bearer token, service account token has been invalidated]' });
  });

  it("a pod-bound token is not checked against the pod's Node", () => {
    freshWorld();
    const t = mint({ boundObject: { kind: 'Pod', ...POD }, node: { name: 'node-ghost' } }).token;
    const user = okUser(auth(t, T0));
    assert.deepEqual(user.extra['authentication.kubernetes.io/node-name'], ['node-ghost']);
    assert.equal(user.extra['authentication.kubernetes.io/node-uid'], undefined);
  });

  it('the 60 s leeway: valid at exp + 60, the recorded "expired" error at exp + 61', () => {
    freshWorld();
    const issued = mint();
    assert.ok(auth(issued.token, issued.exp + 15).ok, 'tokenreview-expired-within-leeway: 15 s after exp is still fine');
    assert.ok(auth(issued.token, issued.exp + 60).ok);
    assert.deepEqual(auth(issued.token, issued.exp + 61), { ok: false, error: reviewError('v1.32', 'tokenreview-expired') });
    assert.deepEqual(auth(issued.token, issued.exp + 60.5), { ok: false, error: reviewError('v1.28', 'tokenreview-expired') });
  });

  it('a 3607 s pod token is honoured for the whole extended year, flagged stale after warnafter', () => {
    freshWorld();
    const issued = mint({ expirationSeconds: 3607, boundObject: { kind: 'Pod', ...POD } });
    const before = auth(issued.token, T0 + 3607);
    const after = auth(issued.token, T0 + 3608 + 60);
    assert.ok(before.ok && !before.stale);
    assert.ok(after.ok && after.stale);
    assert.ok(auth(issued.token, issued.exp + 60).ok);
    assert.ok(!auth(issued.token, issued.exp + 61).ok);
  });

  it('a deleted bound pod gives the recorded "invalidated" error', () => {
    freshWorld();
    const t = mint({ boundObject: { kind: 'Pod', ...POD } }).token;
    world.remove('Pod', 'payments', POD.name);
    assert.deepEqual(auth(t, T0 + 80), { ok: false, error: reviewError('v1.32', 'tokenreview-bound-pod-deleted-invalidated') });
  });

  it('a Terminating pod keeps its tokens valid until deletionTimestamp + 60 s', () => {
    freshWorld();
    const t = mint({ expirationSeconds: 3607, boundObject: { kind: 'Pod', ...POD }, node: NODE }).token;
    const deletion = T0 + 145;
    world.put('Pod', 'payments', POD.name, { uid: POD.uid, deletionTimestampSeconds: deletion });
    assert.ok(auth(t, deletion - 18).ok, 'tokenreview-bound-pod-terminating-valid');
    assert.ok(auth(t, deletion + 60).ok);
    assert.deepEqual(auth(t, deletion + 61), { ok: false, error: reviewError('v1.32', 'tokenreview-bound-pod-terminating-invalidated') });
  });

  it('a pod recreated under the same name (new uid) does not revive the token', () => {
    freshWorld();
    const t = mint({ boundObject: { kind: 'Pod', ...POD } }).token;
    world.put('Pod', 'payments', POD.name, { uid: 'new-uid' });
    assert.deepEqual(auth(t, T0), {
      ok: false,
      error: `[invalid bearer token, pod UID (new-uid) does not match service account pod ref claim (${POD.uid})]`,
    });
  });

  it('a Secret-bound token dies with its Secret', () => {
    freshWorld();
    world.put('ServiceAccount', 'db', 'patroni', { uid: 'p-uid' });
    world.put('Secret', 'db', 'patroni-token', { uid: 's-uid' });
    const r = issuer.issue({
      namespace: 'db',
      serviceAccount: { name: 'patroni', uid: 'p-uid' },
      expirationSeconds: 3600,
      nowSeconds: T0,
      boundObject: { kind: 'Secret', name: 'patroni-token', uid: 's-uid' },
    });
    assert.ok(r.ok);
    assert.deepEqual(shape(okUser(auth(r.issued.token, T0))), shape(recordedUser('v1.32', 'tokenreview-bound-secret')));
    world.remove('Secret', 'db', 'patroni-token');
    assert.deepEqual(auth(r.issued.token, T0), { ok: false, error: '[invalid bearer token, service account token has been invalidated]' });
  });

  it('a deleted or replaced ServiceAccount rejects the token with the validator words', () => {
    freshWorld();
    const t = mint().token;
    world.put('ServiceAccount', 'payments', SA.name, { uid: 'other' });
    assert.deepEqual(auth(t, T0), { ok: false, error: `[invalid bearer token, service account UID (other) does not match claim (${SA.uid})]` });
    world.put('ServiceAccount', 'payments', SA.name, { uid: SA.uid, deletionTimestampSeconds: T0 });
    assert.ok(auth(t, T0 + 60).ok);
    assert.deepEqual(auth(t, T0 + 61), { ok: false, error: '[invalid bearer token, service account payments/api has been deleted]' });
    world.remove('ServiceAccount', 'payments', SA.name);
    assert.deepEqual(auth(t, T0), { ok: false, error: '[invalid bearer token, serviceaccounts "api" not found]' });
  });

  it('a vault-audience token: rejected by default with the recorded words, accepted for audience vault', () => {
    freshWorld();
    const t = mint({ audiences: ['vault'], expirationSeconds: 1800 }).token;
    assert.deepEqual(auth(t, T0), { ok: false, error: reviewError('v1.32', 'tokenreview-audience-vault-default-audiences') });
    const r = auth(t, T0, ['vault']);
    assert.ok(r.ok);
    assert.deepEqual(r.audiences, ['vault']);
  });

  it('several audiences print the way Go prints a quoted slice', () => {
    freshWorld();
    const t = mint({ audiences: ['vault', 'minio'] }).token;
    assert.deepEqual(auth(t, T0, ['s3']), {
      ok: false,
      error: '[invalid bearer token, token audiences ["vault" "minio"] is invalid for the target audiences ["s3"]]',
    });
  });

  it('garbage and foreign tokens are just "invalid bearer token" (the recorded string)', () => {
    freshWorld();
    const garbage = exchange('v1.32', 'tokenreview-garbage-token').request.body as { spec: { token: string } };
    const expected = { ok: false, error: reviewError('v1.32', 'tokenreview-garbage-token') };
    assert.deepEqual(auth(garbage.spec.token, T0), expected);
    assert.deepEqual(auth('garbage', T0), expected);
    const foreign = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"https://accounts.example.com"}').toString('base64url')}.c2ln`;
    assert.deepEqual(auth(foreign, T0), expected);
  });

  it('a changed signature character gives the recorded go-jose error', () => {
    freshWorld();
    const t = mint().token;
    const last = t.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${t.slice(0, -2)}${last}${t.slice(-1)}`;
    assert.deepEqual(auth(tampered, T0), { ok: false, error: reviewError('v1.32', 'tokenreview-bad-signature') });
  });

  it('a real token signed by another cluster fails on the signature, not as garbage', () => {
    freshWorld();
    assert.deepEqual(auth(fixtureToken('v1.32', 'api-bound-pod-3607s.jwt'), T0), { ok: false, error: reviewError('v1.32', 'tokenreview-bad-signature') });
  });

  it('a legacy Secret token authenticates with no extra, and stops when its Secret goes', () => {
    freshWorld();
    world.put('ServiceAccount', 'db', 'patroni', { uid: 'p-uid' });
    world.put('Secret', 'db', 'patroni-token', { uid: 's-uid' });
    const token = issuer.legacyToken({ namespace: 'db', serviceAccount: { name: 'patroni', uid: 'p-uid' }, secretName: 'patroni-token' });
    const r = auth(token, T0 + 10 * 365 * 86400);
    assert.ok(r.ok);
    const recorded = recordedUser('v1.32', 'tokenreview-legacy-secret-token');
    assert.equal(recorded.extra, undefined);
    assert.deepEqual(Object.keys(r.user.extra), []);
    assert.deepEqual({ username: r.user.username, groups: r.user.groups }, { username: recorded.username, groups: recorded.groups });
    assert.deepEqual(r.legacySecret, { namespace: 'db', name: 'patroni-token' });
    world.put('Secret', 'db', 'patroni-token', { uid: 's-uid', secretToken: token, legacyInvalidSince: '2026-11-22' });
    const marked = auth(token, T0);
    assert.ok(!marked.ok);
    assert.match(
      marked.error,
      /^\[invalid bearer token, the token in secret db\/patroni-token for service account db\/patroni has been marked invalid\. .*'kubernetes\.io\/legacy-token-invalid-since' label/,
    );
    world.put('Secret', 'db', 'patroni-token', { uid: 's-uid', secretToken: 'another' });
    assert.deepEqual(auth(token, T0), { ok: false, error: "[invalid bearer token, Token does not match server's copy]" });
    world.remove('Secret', 'db', 'patroni-token');
    assert.deepEqual(auth(token, T0), { ok: false, error: '[invalid bearer token, Token has been invalidated]' });
  });

  it('a token used before nbf - 60 is not valid yet', () => {
    freshWorld();
    const t = mint().token;
    assert.ok(auth(t, T0 - 60).ok);
    assert.deepEqual(auth(t, T0 - 61), { ok: false, error: '[invalid bearer token, service account token is not valid yet]' });
  });

  it('with the apiserver 10 s success cache, a deleted pod still authenticates briefly', () => {
    freshWorld();
    const cached = TokenIssuer.create({ successCacheSeconds: 10, privateKeyPem: issuer.privateKeyPem() });
    const r = cached.issue({ namespace: 'payments', serviceAccount: SA, expirationSeconds: 600, nowSeconds: T0, boundObject: { kind: 'Pod', ...POD } });
    assert.ok(r.ok);
    const check = (now: number): AuthResult => cached.authenticate(r.issued.token, { nowSeconds: now, lookup: world.lookup });
    assert.ok(check(T0).ok);
    world.remove('Pod', 'payments', POD.name);
    assert.ok(check(T0 + 3).ok, 'tokenreview-bound-pod-deleted-still-cached');
    assert.ok(!check(T0 + 10).ok);
  });
});
