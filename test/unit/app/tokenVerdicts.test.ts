// The session's offline verdict on each kind of token agrees with what the API server's TokenReview says of it:
// authenticated or not, and for a refusal the family of its error. The verdict is made without TokenReview (the
// only requests it may cause are the issuer, the keys and a bound Secret's metadata); the review is asked after.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import type { SessionState } from '../../../src/app/sessionState';
import { requestToken, type TokenRequestSpec } from '../../../src/cluster/actions/requestToken';
import { reviewToken } from '../../../src/cluster/actions/reviewToken';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { RefusalReason, TokenVerdict } from '../../../src/diagnosis/tokenVerdict';
import { decodeToken } from '../../../src/token/jwt';
import { SERVICE_ACCOUNT_NAME_ANNOTATION } from '../../cluster/controllers/legacyTokens';
import { R } from '../../cluster/resources';
import { create, serviceAccount } from '../../cluster/scenarios/build';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { TokenIssuer, type IssueRequest } from '../../cluster/tokenIssuer';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { TestSessions, TestSettings } from './support';

type Expected = { outcome: 'accepted' } | { outcome: 'refused'; reason: RefusalReason; text?: RegExp };

/** The family of a TokenReview error, in kube-apiserver's words (test/fixtures/k8s and the validator's strings). */
function reviewReason(error: string): RefusalReason | 'other' {
  if (/service account token has expired/.test(error)) return 'expired';
  if (/is not valid yet|is issued in the future/.test(error)) return 'notYetValid';
  if (/square\/go-jose/.test(error)) return 'signature';
  if (/token audiences .* is invalid for the target audiences/.test(error)) return 'audience';
  if (/has been invalidated|\b(pod|secret|node) UID \(.*\) does not match service account .* ref claim|does not match server's copy/i.test(error))
    return 'invalidated';
  if (/serviceaccounts ".*" not found|service ?account UID \(.*\) does not match claim|service ?account .* has been deleted/i.test(error))
    return 'serviceAccount';
  if (/legacy-token-invalid-since/.test(error)) return 'legacyInvalid';
  return 'other';
}

describe('token verdicts agree with TokenReview on the test cluster', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let state: ClusterState;
  let s: SessionState;
  const now = (): number => cluster.clock.nowSeconds();
  const uidOf = (r: typeof R.pods, ns: string, name: string): string => {
    const uid = cluster.store.peek(r, ns, name)?.metadata.uid;
    assert.ok(uid, `${r.plural} ${ns}/${name} exists`);
    return uid;
  };

  /** A token as the cluster would have minted it at another moment, or with another key. */
  const mint = (p: Partial<IssueRequest> = {}, issuer: TokenIssuer = cluster.issuer): string => {
    const r = issuer.issue({
      namespace: 'payments',
      serviceAccount: { name: 'api', uid: uidOf(R.serviceAccounts, 'payments', 'api') },
      expirationSeconds: 3600,
      nowSeconds: now(),
      ...p,
    });
    assert.ok(r.ok, r.ok ? '' : r.message);
    return r.issued.token;
  };
  const requested = async (spec: Partial<TokenRequestSpec> = {}): Promise<string> => {
    const r = await requestToken(session.api, { namespace: 'payments', serviceAccount: 'api', expirationSeconds: 3600, ...spec });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value.token;
  };
  const verdictOf = async (raw: string): Promise<TokenVerdict> => {
    const decoded = decodeToken(raw);
    assert.ok(decoded.ok);
    return s.verdicts.verdict(decoded.token, await s.keys.verify(raw), now());
  };

  /**
   * kube-apiserver keeps a token it authenticated as good for 10 s (recorded: tokenreview-bound-pod-deleted-still-cached),
   * so a review right after a deletion can still say authenticated. The verdict is about the server past that.
   */
  const pastSuccessCache = (): void => cluster.advance(11);

  /** The verdict, then the server's review: the two must say the same. */
  async function agrees(kind: string, raw: string, expected: Expected): Promise<TokenVerdict> {
    const reviewsBefore = cluster.requests.of('create', 'tokenreviews').length;
    const verdict = await verdictOf(raw);
    assert.equal(cluster.requests.of('create', 'tokenreviews').length, reviewsBefore, `${kind}: the verdict asked no TokenReview`);
    const review = await reviewToken(session.api, raw);
    assert.ok(review.ok, review.ok ? '' : review.error.message);
    const server = review.value.authenticated ? 'accepted' : 'refused';
    assert.equal(verdict.outcome, server, `${kind}: the extension says "${verdict.text}", TokenReview says ${review.value.error ?? 'authenticated'}`);
    if (verdict.outcome === 'refused') assert.equal(verdict.reason, reviewReason(review.value.error ?? ''), `${kind}: ${review.value.error ?? ''}`);
    assert.equal(verdict.outcome, expected.outcome, `${kind} is the kind of token the test meant to make`);
    if (expected.outcome === 'refused' && expected.text) assert.match(verdict.text, expected.text, kind);
    return verdict;
  }

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-verdicts-');
    session = sessionFor(cluster, tmp, 'admin');
    state = new ClusterState({ sessions: new TestSessions(session), settings: new TestSettings(), tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    const started = state.ensureStarted();
    assert.ok(started);
    s = started;
    await s.synced();
  });
  after(async () => {
    state.dispose();
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it("learns the API server's audiences: its issuer at once, all of them from a pod's default token", async () => {
    const vault = await requested({ audiences: ['vault'] });
    const before = await verdictOf(vault);
    assert.equal(before.outcome, 'unknown', 'with only the issuer known, another audience is not called refused');
    assert.deepEqual(s.verdicts.identity(), { issuer: cluster.issuer.issuer, audiences: [cluster.issuer.issuer], audiencesComplete: false });

    const pod = s.snapshot()?.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-') && p.phase === 'Running');
    assert.ok(pod, 'a running payments/api pod');
    const readings = await s.readLiveTokens(s.podTargets(pod));
    assert.ok(readings.some((r) => r.ok));
    assert.deepEqual(s.verdicts.identity(), { issuer: cluster.issuer.issuer, audiences: cluster.issuer.apiAudiences, audiencesComplete: true });
  });

  it('valid, expired, not yet valid and stale tokens', async () => {
    await agrees('valid', await requested(), { outcome: 'accepted' });
    await agrees('expired', mint({ expirationSeconds: 600, nowSeconds: now() - 3600 }), { outcome: 'refused', reason: 'expired', text: /^expired at / });
    await agrees('not yet valid', mint({ nowSeconds: now() + 3600 }), { outcome: 'refused', reason: 'notYetValid' });
    const pod = s.snapshot()?.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-') && p.phase === 'Running');
    assert.ok(pod);
    // The kubelet's 3607 s ask, granted a year, used two hours later: past warnafter, still accepted.
    const staleRaw = mint({ expirationSeconds: 3607, nowSeconds: now() - 7200, boundObject: { kind: 'Pod', name: pod.name, uid: pod.uid } });
    const stale = await agrees('stale', staleRaw, { outcome: 'accepted' });
    assert.ok(stale.outcome === 'accepted' && stale.stale);
    assert.match(
      stale.text,
      /stale: past its warnafter, .* UTC: the API server extends it only while --service-account-extend-token-expiration is on; the kubelet would have replaced it by now$/,
    );
  });

  it('a token signed by another key, and one for another audience', async () => {
    assert.ok(s.verdicts.identity().audiencesComplete, "the API server's audiences were learned from a live token above");
    const otherKey = TokenIssuer.create({ issuer: cluster.issuer.issuer });
    await agrees('foreign key', mint({}, otherKey), { outcome: 'refused', reason: 'signature' });
    await agrees('wrong audience', await requested({ audiences: ['vault'] }), {
      outcome: 'refused',
      reason: 'audience',
      text: /^for audience vault, not accepted by this API server/,
    });
  });

  it('a token whose pod was deleted', async () => {
    const pod = create(cluster, R.pods, 'payments', {
      metadata: { name: 'p-doomed' },
      spec: { serviceAccountName: 'api', containers: [{ name: 'app', image: 'app:1' }] },
    });
    const raw = await requested({ boundObject: { kind: 'Pod', name: 'p-doomed', uid: pod.metadata.uid } });
    await waitFor('the inventory to list p-doomed', () => s.snapshot()?.pods.some((p) => p.name === 'p-doomed'));
    await agrees('pod-bound, pod there', raw, { outcome: 'accepted' });
    assert.ok(cluster.api.delete(R.pods, 'payments', 'p-doomed', { gracePeriodSeconds: 0 }).ok);
    await waitFor('the inventory to drop p-doomed', () => s.snapshot()?.pods.every((p) => p.name !== 'p-doomed'));
    pastSuccessCache();
    await agrees('deleted pod', raw, {
      outcome: 'refused',
      reason: 'invalidated',
      text: new RegExp(`^invalidated: its pod p-doomed \\(uid ${pod.metadata.uid}\\) is gone$`),
    });
  });

  it('a token whose Secret was deleted (any Secret, not only token Secrets: asked for by name)', async () => {
    create(cluster, R.secrets, 'payments', { metadata: { name: 'binding-doomed' }, type: 'Opaque', data: {} });
    const raw = await requested({ boundObject: { kind: 'Secret', name: 'binding-doomed' } });
    const decoded = decodeToken(raw);
    assert.ok(decoded.ok);
    const signature = await s.keys.verify(raw);
    // What a view draws at once: not known until the cluster answers, then a change is announced.
    let subscription = { dispose: (): void => undefined };
    const changed = new Promise<void>((resolve) => (subscription = state.onDidChange(() => resolve())));
    const first = s.verdicts.verdictNow(decoded.token, signature, now());
    assert.equal(first.outcome, 'unknown');
    assert.match(first.text, /asking the cluster for Secret payments\/binding-doomed/);
    await changed;
    subscription.dispose();
    await waitFor('the Secret to be known', () => s.verdicts.verdictNow(decoded.token, signature, now()).outcome === 'accepted');
    await agrees('Secret-bound, Secret there', raw, { outcome: 'accepted' });
    assert.ok(cluster.api.delete(R.secrets, 'payments', 'binding-doomed').ok);
    pastSuccessCache();
    await agrees('deleted Secret', raw, { outcome: 'refused', reason: 'invalidated', text: /^invalidated: its Secret binding-doomed \(uid .*\) is gone$/ });
    assert.equal(cluster.requests.of('get', 'secrets').length > 0, true, 'the Secret was asked for by name');
  });

  it('a token whose service account was deleted, or deleted and made again', async () => {
    serviceAccount(cluster, 'payments', 'doomed');
    serviceAccount(cluster, 'payments', 'reborn');
    const doomed = await requested({ serviceAccount: 'doomed' });
    const reborn = await requested({ serviceAccount: 'reborn' });
    await waitFor('the inventory to list both service accounts', () =>
      ['doomed', 'reborn'].every((n) => s.snapshot()?.serviceAccounts.some((sa) => sa.name === n)),
    );
    await agrees('service account there', doomed, { outcome: 'accepted' });
    const oldUid = uidOf(R.serviceAccounts, 'payments', 'reborn');
    assert.ok(cluster.api.delete(R.serviceAccounts, 'payments', 'doomed').ok);
    assert.ok(cluster.api.delete(R.serviceAccounts, 'payments', 'reborn').ok);
    serviceAccount(cluster, 'payments', 'reborn');
    await waitFor('the inventory to see the deletion and the new reborn', () => {
      const sas = s.snapshot()?.serviceAccounts ?? [];
      return sas.every((sa) => sa.name !== 'doomed') && sas.some((sa) => sa.name === 'reborn' && sa.uid !== oldUid);
    });
    pastSuccessCache();
    await agrees('deleted service account', doomed, { outcome: 'refused', reason: 'serviceAccount', text: /^its service account was deleted/ });
    await agrees('service account made again', reborn, { outcome: 'refused', reason: 'serviceAccount', text: /^its service account was deleted/ });
  });

  it('a legacy Secret token, and the same token once its Secret is deleted', async () => {
    create(cluster, R.secrets, 'payments', {
      metadata: { name: 'api-legacy', annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: 'api' } },
      type: 'kubernetes.io/service-account-token',
    });
    const data = (cluster.store.peek(R.secrets, 'payments', 'api-legacy') as { data?: { token?: string } } | undefined)?.data?.token;
    assert.ok(data, 'the token controller filled the Secret in');
    const raw = Buffer.from(data, 'base64').toString('utf8');
    await waitFor('the inventory to decode the legacy Secret', () => s.snapshot()?.secrets.some((x) => x.name === 'api-legacy' && x.token !== undefined));
    await agrees('legacy', raw, { outcome: 'accepted' });
    assert.ok(cluster.api.delete(R.secrets, 'payments', 'api-legacy').ok);
    await waitFor('the inventory to drop the legacy Secret', () => s.snapshot()?.secrets.every((x) => x.name !== 'api-legacy'));
    pastSuccessCache();
    await agrees('legacy, Secret deleted', raw, { outcome: 'refused', reason: 'invalidated', text: /^invalidated: its Secret payments\/api-legacy is gone$/ });
  });
});
