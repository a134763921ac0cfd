// What the commands say, for each outcome: the confirmations name pod, namespace and context; results
// and failures are sentences with a next step; log lines and messages never carry a token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodSummary } from '../../../../src/cluster/actions/pods';
import type { ProbeOutcome } from '../../../../src/cluster/actions/probeConcurrency';
import type { IssuedToken } from '../../../../src/cluster/actions/requestToken';
import {
  copiedToken,
  expiryPhrase,
  failureSentence,
  issuedLogLine,
  issuedSentence,
  probeSentence,
  reloadResultSentence,
  restartConfirmation,
  restartLogLine,
  restartResult,
  reviewSentence,
  rolloutConfirmation,
  rolloutResult,
  sentence,
  whoAmISentence,
} from '../../../../src/ui/commands/sentences';
import { issuedTokenDocument, reviewDocument } from '../../../../src/ui/commands/tokenDocument';
import { formatDuration, parseAudiences, parseDuration } from '../../../../src/ui/commands/durationInput';

const owned: PodSummary = {
  namespace: 'payments',
  name: 'api-7c9d-x2',
  uid: 'u1',
  serviceAccount: 'api',
  owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7c9d', uid: 'rs' },
  terminating: false,
};
const unowned: PodSummary = { namespace: 'payments', name: 'vault-client', uid: 'u2', serviceAccount: 'api', terminating: false };
// A syntactically real JWT (RS256 header, claims, fake signature) that must never show up in text.
const TOKEN = [
  Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url'),
  Buffer.from(
    JSON.stringify({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:payments:api',
      aud: ['vault'],
      iat: 1_800_000_000,
      exp: 1_800_003_600,
      jti: 'j-1',
      'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 's' }, pod: { name: 'api-1', uid: 'p' } },
    }),
  ).toString('base64url'),
  'c2lnbmF0dXJl',
].join('.');

describe('sentences', () => {
  it('capitalises and ends with a full stop', () => {
    assert.equal(sentence('the cluster said no'), 'The cluster said no.');
    assert.equal(sentence('Done!'), 'Done!');
    assert.equal(
      failureSentence('restart pod a/b', { kind: 'forbidden', message: 'you cannot delete pods in namespace a (403): ...; ask a cluster admin' }),
      'Cannot restart pod a/b: you cannot delete pods in namespace a (403): ...; ask a cluster admin.',
    );
  });

  it('confirms a restart naming pod, namespace and context; an unowned pod says it will not come back and defaults to keeping it', () => {
    const c = restartConfirmation(owned, 'prod');
    assert.equal(c.message, 'Restart pod payments/api-7c9d-x2 in context prod?');
    assert.match(c.detail, /ReplicaSet api-7c9d creates a replacement/);
    assert.equal(c.safeDefault, undefined);
    const u = restartConfirmation(unowned, 'prod');
    assert.equal(u.message, 'Delete pod payments/vault-client in context prod? It will not come back.');
    assert.match(u.detail, /No controller owns pod vault-client/);
    assert.equal(u.proceed, 'Delete Pod');
    assert.equal(u.safeDefault, 'Keep Pod');
  });

  it('confirms a rollout restart naming the workload and context', () => {
    const c = rolloutConfirmation(
      { kind: 'Deployment', namespace: 'payments', name: 'api', uid: 'd', resourceVersion: '7', restartedAt: '2026-11-22T03:08:00Z' },
      'prod',
    );
    assert.equal(c.message, 'Rollout restart Deployment payments/api in context prod?');
    assert.match(c.detail, /last restarted at 2026-11-22T03:08:00Z/);
  });

  it('tells what a rollout restart did, promising a token only to new pods running on a node', () => {
    const w = { kind: 'Deployment' as const, namespace: 'payments', name: 'api', uid: 'd', resourceVersion: '8', restartedAt: '2026-11-22T03:08:00Z' };
    const running = { ...owned, name: 'api-5f6-a1', uid: 'n1', nodeName: 'node-1', phase: 'Running' };
    const pending = { ...owned, name: 'api-5f6-b2', uid: 'n2', phase: 'Pending' };
    assert.deepEqual(rolloutResult(w, { pods: [running], allRunning: true }, 'prod'), {
      level: 'info',
      text: 'Deployment payments/api is restarting in context prod (restartedAt 2026-11-22T03:08:00Z): new pod api-5f6-a1 runs on a node with a fresh token; its other pods are replaced one by one.',
    });
    assert.deepEqual(rolloutResult(w, { pods: [pending, running], allRunning: false, stopped: 'timedOut' }, 'prod'), {
      level: 'warning',
      text: 'Deployment payments/api is restarting in context prod (restartedAt 2026-11-22T03:08:00Z): created api-5f6-b2, api-5f6-a1; a new pod gets its token when it starts on a node: api-5f6-b2 is still Pending, not scheduled to a node after following it; api-5f6-a1 runs with a fresh token.',
    });
    assert.doesNotMatch(rolloutResult(w, { pods: [pending], allRunning: false, stopped: 'cancelled' }, 'prod').text, /fresh token/);
    assert.match(rolloutResult(w, { pods: [], allRunning: false, stopped: 'timedOut' }, 'prod').text, /no new pod had been created after following it/);
  });

  it('tells each restart outcome, and logs what changed on the cluster', () => {
    const replacement = { ...owned, name: 'api-7c9d-q8', uid: 'u3', nodeName: 'node-1', phase: 'Running' };
    assert.deepEqual(restartResult({ kind: 'replaced', old: owned, replacement, running: true }, 'prod'), {
      level: 'info',
      text: 'Pod payments/api-7c9d-x2 was restarted in context prod: ReplicaSet api-7c9d created api-7c9d-q8, which has a fresh token (running on node node-1).',
    });
    assert.equal(
      restartLogLine({ kind: 'replaced', old: owned, replacement, running: true }, 'prod'),
      'Restart Pod: deleted pod payments/api-7c9d-x2 (uid u1) in context prod; replacement api-7c9d-q8 (uid u3) running on node node-1.',
    );
    // A Pending replacement has no token yet: never "which has a fresh token".
    const pending = { ...owned, name: 'api-7c9d-q9', uid: 'u4', phase: 'Pending' };
    assert.deepEqual(restartResult({ kind: 'replaced', old: owned, replacement: pending, running: false, stopped: 'timedOut' }, 'prod'), {
      level: 'warning',
      text: 'Pod payments/api-7c9d-x2 was restarted in context prod: ReplicaSet api-7c9d created api-7c9d-q9; it will get its token when it starts on a node: it is still Pending, not scheduled to a node; look at its events to see why.',
    });
    assert.match(
      restartResult({ kind: 'replaced', old: owned, replacement: pending, running: false, stopped: 'cancelled' }, 'prod').text,
      /created api-7c9d-q9; it will get its token when it starts on a node: it was still Pending, not scheduled to a node when you stopped following\.$/,
    );
    assert.doesNotMatch(restartResult({ kind: 'replaced', old: owned, replacement: pending, running: false }, 'prod').text, /fresh token/);
    assert.match(
      restartLogLine({ kind: 'replaced', old: owned, replacement: pending, running: false, stopped: 'timedOut' }, 'prod') ?? '',
      /replacement api-7c9d-q9 \(uid u4\) not running yet \(Pending, follow timedOut\)\.$/,
    );
    assert.match(restartResult({ kind: 'deleted', old: unowned }, 'prod').text, /deleted from context prod; nothing will re-create it/);
    assert.match(
      restartResult({ kind: 'cancelled', old: owned, deleted: true }, 'prod').text,
      /already deleted and ReplicaSet api-7c9d should create its replacement; refresh the explorer/,
    );
    assert.match(restartResult({ kind: 'cancelled', old: owned, deleted: false }, 'prod').text, /was not touched/);
    assert.equal(restartLogLine({ kind: 'cancelled', old: owned, deleted: false }, 'prod'), undefined);
    assert.match(
      restartResult({ kind: 'timedOut', old: owned, waitedMs: 120_000 }, 'prod').text,
      /no replacement appeared within 2 min; look at the events of ReplicaSet api-7c9d/,
    );
  });

  it('shows the old and the new expiry after a reload', () => {
    const now = 1_800_000_000;
    const r = reloadResultSentence({ changed: true, expiryBeforeSec: now - 60, expiryAfterSec: now + 3600 }, 'prod', now);
    assert.equal(r.level, 'info');
    assert.match(r.text, /^Credentials of context prod reloaded: the old one expired .* \(1 min ago\), the new one expires .* \(in 1 h/);
    const same = reloadResultSentence({ changed: false, expiryBeforeSec: now - 10, expiryAfterSec: now - 10 }, 'prod', now);
    assert.equal(same.level, 'warning');
    assert.match(same.text, /did not change .* It is expired: log in again/);
    const failed = reloadResultSentence({ changed: false, problem: 'the exec plugin "aws" failed: exit 1' }, 'prod', now);
    assert.match(failed.text, /did not give a fresh credential: the exec plugin "aws" failed: exit 1\.$/);
    assert.equal(expiryPhrase(undefined, now), 'no expiry');
  });

  it("reviews: the user, groups, pod and credential id; or the server's reason with the next step", () => {
    const ok = reviewSentence(
      {
        fingerprint: 'abcd',
        authenticated: true,
        audiences: [],
        podName: 'api-1',
        credentialId: 'JTI=j-1',
        user: { username: 'system:serviceaccount:payments:api', groups: ['system:serviceaccounts'], extra: {} },
      },
      'prod',
    );
    assert.equal(
      ok.text,
      'Token sha256:abcd authenticates with context prod as system:serviceaccount:payments:api; groups system:serviceaccounts; bound to pod api-1; credential id JTI=j-1.',
    );
    const bad = reviewSentence({ fingerprint: 'abcd', authenticated: false, audiences: [], error: 'service account token has been invalidated' }, 'prod');
    assert.equal(bad.level, 'warning');
    assert.match(bad.text, /does not authenticate with context prod: service account token has been invalidated; request a new token, or restart the pod/);
    const doc = reviewDocument({ fingerprint: 'abcd', authenticated: false, audiences: [], error: 'service account token has been invalidated' }, 'prod');
    assert.match(doc, /^ {2}Authenticated {2}no$/m);
    assert.match(doc, /^ {2}Reason {9}service account token has been invalidated$/m);
  });

  it('who am I names user, groups and the API version that answered', () => {
    assert.equal(
      whoAmISentence(
        { username: 'admin', groups: ['system:masters'], extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] }, apiVersion: 'v1beta1' },
        'prod',
      ),
      'In context prod you are admin in groups system:masters (credential-id=X509SHA256=ab), according to SelfSubjectReview v1beta1.',
    );
  });

  it('a probe with 401s among successes is the concurrency failure; all 401 is a dead token', () => {
    const base: ProbeOutcome = {
      fingerprint: 'ff',
      path: '/version',
      total: 20,
      ok: 17,
      unauthorized: 3,
      other: 0,
      cancelled: 0,
      statuses: { '200': 17, '401': 3 },
      failures: [],
      p50Ms: 12.4,
      p99Ms: 40.6,
    };
    const mixed = probeSentence(base, 'service account payments/api');
    assert.equal(mixed.level, 'error');
    assert.match(
      mixed.text,
      /^Probe of service account payments\/api \(token sha256:ff\) with 20 parallel requests to \/version: 17 passed, 3 got 401, 0 other; latency p50 12 ms, p99 41 ms\. 401 under concurrency/,
    );
    const dead = probeSentence({ ...base, ok: 0, unauthorized: 20 }, 'x');
    assert.equal(dead.level, 'warning');
    assert.match(dead.text, /Every answer was 401/);
    assert.match(probeSentence({ ...base, ok: 20, unauthorized: 0 }, 'x').text, /No 401/);
  });

  it('a requested token is described by fingerprint, never by value', () => {
    const t: IssuedToken = {
      token: TOKEN,
      fingerprint: 'f1f2',
      namespace: 'payments',
      serviceAccount: 'api',
      expirationTimestamp: '2027-01-15T08:00:00Z',
      expirationSeconds: 3600,
      audiences: ['vault'],
      boundObject: { kind: 'Pod', name: 'api-1' },
    };
    const now = 1_800_000_000;
    const texts = [issuedSentence(t, now), issuedLogLine(t, 'prod'), issuedTokenDocument(t, 'prod', now)];
    for (const text of texts) {
      assert.ok(!text.includes(TOKEN), 'the raw token is in the text');
      assert.ok(!text.includes(TOKEN.split('.')[2] ?? 'x'), 'the signature is in the text');
    }
    assert.match(
      texts[1],
      /^Request Token: TokenRequest for payments\/api in context prod: token sha256:f1f2, audiences vault, expires 2027-01-15T08:00:00Z, bound to Pod api-1\.$/,
    );
    assert.match(texts[2], /^Token for service account payments\/api\n=+\n/);
    assert.match(texts[2], /Copy token/);
    assert.match(texts[2], /system:serviceaccount:payments:api/);
    assert.match(texts[2], /The raw token is not part of this document/);
    // Bound to a pod, yet no kubelet rotates a requested token: no refresh point, and it says so.
    assert.doesNotMatch(texts[2], /Kubelet refresh/);
    assert.match(texts[2], /^ {2}Refreshed by {6}nobody: request a new token before this one expires$/m);
  });
});

describe('Copy Token', () => {
  it('confirms the copy by fingerprint and whose token it is, never by value', () => {
    const said = copiedToken('f1f2a3b4c5d6e7f8', 'payments/api');
    assert.deepEqual(said, {
      message: 'Token sha256:f1f2a3b4c5d6e7f8 for payments/api copied to the clipboard.',
      status: '$(check) Copied token sha256:f1f2a3b4c5d6e7f8 for payments/api',
      log: 'Copy Token: token sha256:f1f2a3b4c5d6e7f8 of payments/api copied to the clipboard.',
    });
    assert.equal(copiedToken('f1f2').status, '$(check) Copied token sha256:f1f2');
  });
});

describe('duration and audience input', () => {
  it('reads durations the way people write them', () => {
    assert.equal(parseDuration('10m'), 600);
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('2h30m'), 9000);
    assert.equal(parseDuration(' 1d '), 86400);
    assert.equal(parseDuration('3607'), 3607);
    assert.equal(parseDuration('an hour'), undefined);
    assert.equal(parseDuration('1.5h'), undefined);
    assert.equal(formatDuration(9000), '2h30m');
    assert.equal(formatDuration(300), '5m');
  });

  it('splits audiences on commas and spaces, without repeats', () => {
    assert.deepEqual(parseAudiences('vault, https://kubernetes.default.svc  vault,'), ['vault', 'https://kubernetes.default.svc']);
    assert.deepEqual(parseAudiences('  '), []);
  });
});
