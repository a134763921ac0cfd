// The owner of the session's state against the test cluster: nothing asked of the cluster until something
// needs it, one inventory per session (the old one stopped when the session changes), a new inventory
// only when the namespace filter changes, live readings recorded in history once and never as tokens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState, type StateChange } from '../../../src/app/clusterState';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { ResourceKind } from '../../../src/cluster/inventory/types';
import { R } from '../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { MemoryHistory, TestSessions, TestSettings } from './support';

const KINDS: ResourceKind[] = ['namespaces', 'serviceaccounts', 'pods', 'secrets'];
/** One watch per kind across the cluster. */
const WATCHES = KINDS.length;

describe('ClusterState on the test cluster', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let a: ClusterSession;
  let b: ClusterSession;
  const made: ClusterState[] = [];

  const stateOf = (feed: TestSessions, settings: TestSettings, history?: MemoryHistory): ClusterState => {
    const state = new ClusterState({ sessions: feed, settings, ...(history ? { history } : {}), tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    made.push(state);
    return state;
  };
  // The size asked first (one `limit=1` list of pods and one of Secrets) is not a list of the inventory's.
  const lists = (): Record<string, number> =>
    Object.fromEntries(KINDS.map((k) => [k, cluster.requests.lists(k).filter((r) => r.query.get('limit') !== '1').length]));

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-state-');
    a = sessionFor(cluster, tmp, 'admin');
    b = sessionFor(cluster, tmp, 'admin-cert');
  });
  after(async () => {
    for (const s of made) s.dispose();
    await a.api.dispose();
    await b.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('asks the cluster nothing until something needs it, then lists each kind once', async () => {
    const asked = cluster.requests.all().length;
    const before = lists();
    const state = stateOf(new TestSessions(a), new TestSettings());
    assert.equal(state.session, a);
    assert.equal(state.current?.isStarted, false);
    assert.equal(state.current?.snapshot(), undefined);
    // A round trip of our own: a request the state had started would reach the server before this one answers.
    assert.ok((await a.api.rawRequest('/version')).ok);
    assert.equal(cluster.requests.all().length, asked + 1, 'no request when the state is made, only our own /version');

    const changes: StateChange[] = [];
    state.onDidChange((e) => changes.push(e));
    const s = state.ensureStarted();
    assert.ok(s);
    assert.equal(state.ensureStarted(), s, 'starting twice is the same state');
    const snapshot = await s.synced();
    assert.ok(snapshot.pods.some((p) => p.namespace === 'payments' && p.name.startsWith('api-')));
    assert.ok(snapshot.serviceAccounts.some((x) => x.namespace === 'payments' && x.name === 'api'));
    const after = lists();
    for (const k of KINDS) assert.equal((after[k] ?? 0) - (before[k] ?? 0), 1, `one list of ${k}`);
    assert.ok(changes.length > 0 && changes.every((e) => !e.session), 'list answers are announced, not as a session change');
    state.dispose();
  });

  it("disposes a session's state when the session changes, and starts the next one at once", async () => {
    const feed = new TestSessions(a);
    const state = stateOf(feed, new TestSettings());
    const first = state.ensureStarted();
    assert.ok(first);
    await first.synced();
    await waitFor('the first session to watch each kind', () => cluster.openWatches() === WATCHES);

    const changes: StateChange[] = [];
    state.onDidChange((e) => changes.push(e));
    feed.set(b);
    const second = state.current;
    assert.ok(second);
    assert.notEqual(second, first);
    assert.equal(state.session, b);
    assert.deepEqual(changes[0], { session: true });
    assert.equal(second.isStarted, true, 'the cluster was wanted: the new session lists without being asked again');
    await second.synced();
    await waitFor("the first session's watches to close", () => cluster.openWatches() === WATCHES);

    feed.set(b);
    assert.equal(state.current, second, 'the same session re-read keeps its state');
    feed.set(undefined);
    assert.equal(state.current, undefined);
    await waitFor('every watch closed without a session', () => cluster.openWatches() === 0);
    state.dispose();
  });

  it('makes a new inventory when the namespace filter changes, and only then', async () => {
    const settings = new TestSettings();
    const state = stateOf(new TestSessions(a), settings);
    const all = state.ensureStarted();
    assert.ok(all);
    await all.synced();
    settings.change({ liveTokens: 'off' });
    assert.equal(state.current, all, 'a live-token mode is applied to the same inventory');
    settings.change({ namespaces: ['payments'] });
    const narrowed = state.current;
    assert.ok(narrowed && narrowed !== all);
    const snapshot = await narrowed.synced();
    assert.equal(snapshot.namespacesFixed, true);
    assert.ok(snapshot.pods.length > 0);
    assert.ok(snapshot.pods.every((p) => p.namespace === 'payments'));
    state.dispose();
  });

  it('records each live reading in history once, as claims and fingerprint, and forgets it when the pod goes', async () => {
    const history = new MemoryHistory();
    const state = stateOf(new TestSessions(a), new TestSettings(), history);
    const s = state.ensureStarted();
    assert.ok(s);
    const snapshot = await s.synced();
    const pod = snapshot.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-'));
    assert.ok(pod);
    const targets = s.podTargets(pod);
    assert.equal(targets.length, 1);
    const readings = await s.readLiveTokens(targets);
    const [reading] = readings;
    assert.ok(reading?.ok, reading && !reading.ok ? reading.error.message : 'no reading');
    assert.equal(history.records.length, 1);
    const [record] = history.records;
    assert.equal(record?.kind, 'token');
    assert.deepEqual(record?.kind === 'token' && [record.source, record.subject.pod, record.subject.serviceAccount, record.fingerprint], [
      'liveRead',
      pod.name,
      'api',
      reading.token.fingerprint,
    ]);
    assert.doesNotMatch(JSON.stringify(history.records), /eyJ/, 'never a raw token');

    const target = targets[0];
    assert.ok(target);
    assert.ok(s.live.get(target));
    assert.ok(cluster.api.delete(R.pods, pod.namespace, pod.name).ok);
    await waitFor('the reading of the deleted pod forgotten', () => s.live.get(target) === undefined);
    state.dispose();
  });
});
