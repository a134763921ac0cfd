// buildTimeline: token windows with their kubelet refresh points, observed refreshes, 401 markers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeconfigDocumentEvidence, kubeconfigUserNames, looksLikeKubeconfig } from '../../../src/diagnosis/documentCredentials';
import { buildTimeline } from '../../../src/diagnosis/timeline';
import { MIN, S0, T0, observation, pod, unauthorized } from './builders';

describe('buildTimeline', () => {
  it('lays each token window, the refreshes between them and the 401 markers on one axis', () => {
    const p = pod();
    const a = observation(p, 'aaaa', S0, 3607, T0, T0 + 48 * MIN);
    const b = observation(p, 'bbbb', S0 + 3000, 3607, T0 + 55 * MIN, T0 + 70 * MIN);
    const t = buildTimeline([b, a], [unauthorized(p, T0 + 61 * MIN)], T0 + 75 * MIN);
    assert.deepEqual(
      t.windows.map((w) => [w.fingerprint, w.issuedAtMs, w.refreshAtMs, w.expiresAtMs]),
      [
        ['aaaa', T0, T0 + 2886_000, T0 + 3607_000],
        ['bbbb', T0 + 3000_000, T0 + 3000_000 + 2886_000, T0 + 3000_000 + 3607_000],
      ],
    );
    assert.equal(t.windows[0]?.group, 'gateway/apisix-7d9f-abcde');
    assert.deepEqual(
      t.refreshes.map((r) => [r.atMs, r.fromFingerprint, r.toFingerprint, r.late]),
      [[T0 + 55 * MIN, 'aaaa', 'bbbb', true]],
    );
    assert.deepEqual(
      t.unauthorized.map((m) => [m.atMs, m.lane, m.count]),
      [[T0 + 61 * MIN, 'gateway/apisix-7d9f-abcde', 1]],
    );
    assert.equal(t.lanes.length, 2, 'the token file lane and the pod lane of its 401s');
    assert.equal(t.startMs, T0);
    assert.equal(t.endMs, T0 + 3000_000 + 3607_000);
    assert.equal(t.nowMs, T0 + 75 * MIN);
  });

  it('keeps a one-year expiry off the axis so the hours stay readable', () => {
    const p = pod();
    const t = buildTimeline([observation(p, 'ext', S0, 365 * 86400, T0, T0 + 30 * MIN, S0 + 3607)], [], T0 + 40 * MIN);
    assert.equal(t.endMs, T0 + 3607_000);
    assert.equal(t.windows[0]?.warnAfterMs, T0 + 3607_000);
  });

  it('gives a requested token bound to a pod no kubelet refresh point, and no late refresh to the token after it', () => {
    const p = pod();
    // Request Token bound to the pod: the pod is named, but no container or path, and the kubelet never replaces it.
    const requested = (fingerprint: string, iat: number, at: number) => ({
      ...observation(p, fingerprint, iat, 3600, at),
      subject: { context: 'test', namespace: p.namespace, serviceAccount: p.serviceAccount, pod: p.name },
      source: 'tokenRequest' as const,
    });
    const first = requested('req1', S0, T0);
    // Asked for again well past where a kubelet refresh would be overdue.
    const second = requested('req2', S0 + 3300, T0 + 55 * MIN);
    const t = buildTimeline([first, second], [], T0 + 60 * MIN);
    assert.deepEqual(
      t.windows.map((w) => [w.fingerprint, w.source, w.refreshAtMs, w.expiresAtMs]),
      [
        ['req1', 'tokenRequest', undefined, T0 + 3600_000],
        ['req2', 'tokenRequest', undefined, T0 + 3300_000 + 3600_000],
      ],
    );
    assert.deepEqual(
      t.refreshes.map((r) => [r.fromFingerprint, r.toFingerprint, r.late]),
      [['req1', 'req2', false]],
    );
    // The live token file of the same pod keeps its refresh point.
    const live = buildTimeline([observation(p, 'file', S0, 3607, T0)], [], T0 + MIN);
    assert.equal(live.windows[0]?.refreshAtMs, T0 + 2886_000);
  });

  it("puts the audit log's 401s of a caller tied to a pod in that pod's 401 lane, as a range that widens the axis", () => {
    const p = pod();
    const a = observation(p, 'aaaa', S0, 3607, T0, T0 + 30 * MIN);
    const audit = {
      subject: { context: 'test', namespace: p.namespace, pod: p.name, podUid: p.uid, serviceAccount: p.serviceAccount },
      firstSeenMs: T0 - 20 * MIN,
      lastSeenMs: T0 + 65 * MIN,
      requests: 42,
      sourceIP: '10.244.0.9',
      userAgent: 'lua-resty-http/0.17.1',
    };
    const t = buildTimeline([a], [unauthorized(p, T0 + 61 * MIN)], T0 + 50 * MIN, [audit]);
    assert.deepEqual(t.auditUnauthorized, [{ ...audit, lane: 'gateway/apisix-7d9f-abcde' }]);
    assert.deepEqual(
      t.unauthorized.map((m) => m.lane),
      ['gateway/apisix-7d9f-abcde'],
      'beside the log lines, in the same lane',
    );
    assert.equal(t.lanes.length, 2);
    assert.equal(t.startMs, T0 - 20 * MIN, 'the first refused request starts the axis');
    // A pod with no token and no 401 line gets its 401 lane from the audit log alone.
    const alone = buildTimeline([], [], T0, [{ ...audit, subject: { context: 'test', namespace: 'db', pod: 'gone-0' }, podDeleted: true }]);
    assert.deepEqual(alone.lanes, ['db/gone-0']);
    assert.equal(alone.auditUnauthorized?.[0]?.podDeleted, true);
  });

  it('is empty but for now when there is nothing', () => {
    const t = buildTimeline([], [], T0);
    assert.deepEqual([t.startMs, t.endMs, t.windows.length, t.lanes.length], [T0, T0, 0, 0]);
  });
});

describe('kubeconfig documents', () => {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c',
    '  cluster: {server: "https://x"}',
    'users:',
    '- name: first',
    '  user: {username: a, password: b}',
    '- name: node-bot',
    '  user:',
    `    token: ${['eyJhbGciOiJub25lIn0', Buffer.from(JSON.stringify({ sub: 'x', iat: S0 - 7200, exp: S0 - 3600 })).toString('base64url'), 'c2lnbmF0dXJl'].join('.')}`,
  ].join('\n');

  it('recognises a kubeconfig and names its users', () => {
    assert.equal(looksLikeKubeconfig(text), true);
    assert.equal(looksLikeKubeconfig('kind: Pod\nspec: {}\n'), false);
    assert.deepEqual(kubeconfigUserNames(text), ['first', 'node-bot']);
  });

  it('turns its tokens into evidence with user, path, line and fingerprint, never the token', () => {
    const [e, ...rest] = kubeconfigDocumentEvidence(text, '/tmp/node.kubeconfig', S0);
    assert.equal(rest.length, 0);
    assert.ok(e);
    assert.deepEqual([e.origin, e.user, e.path, e.line, e.kind, e.expiresAt], ['document', 'node-bot', 'users[1].user.token', 10, 'token', S0 - 3600]);
    assert.match(e.fingerprint ?? '', /^[0-9a-f]{16}$/);
    assert.equal(JSON.stringify(e).includes('eyJ'), false);
  });
});
