// Read Live Token runs `cat` through pods/exec only where there is a token to read: a pod the inventory
// knows, on a node, running, and a path its spec projects. Everything else is a sentence, and no exec.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import { R } from '../../cluster/resources';
import { create, ensureNamespace, serviceAccount } from '../../cluster/scenarios/build';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { TestSessions, TestSettings } from './support';

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

describe('liveReadRefusal', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let state: ClusterState;
  let release: () => void = () => undefined;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    ensureNamespace(cluster, 'waiting');
    serviceAccount(cluster, 'waiting', 'app');
    // The scheduler held (a slow control plane): the pod stays Pending, on no node.
    release = cluster.holdControllers();
    create(cluster, R.pods, 'waiting', { metadata: { name: 'queued' }, spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'app:1' }] } });
    tmp = tempDir('cc-refusal-');
    session = sessionFor(cluster, tmp, 'admin');
    state = new ClusterState({ sessions: new TestSessions(session), settings: new TestSettings(), tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    const s = state.ensureStarted();
    assert.ok(s);
    await waitFor('the inventory to list the pods', () => (s.snapshot()?.pods.length ?? 0) > 0 && s.snapshot()?.pods.some((p) => p.name === 'queued') === true);
  });
  after(async () => {
    release();
    state.dispose();
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('allows a running pod and the token path it projects', () => {
    const s = state.current;
    assert.ok(s);
    const api = s.snapshot()?.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-') && p.phase === 'Running');
    assert.ok(api, 'a running payments/api pod');
    assert.equal(s.liveReadRefusal({ namespace: api.namespace, name: api.name, uid: api.uid }), undefined);
    assert.equal(s.liveReadRefusal({ namespace: api.namespace, name: api.name, uid: api.uid, path: TOKEN }), undefined);
  });

  it('refuses a path the pod does not project, naming the ones it does', () => {
    const s = state.current;
    assert.ok(s);
    const api = s.snapshot()?.pods.find((p) => p.namespace === 'payments' && p.phase === 'Running');
    assert.ok(api);
    assert.match(
      s.liveReadRefusal({ namespace: api.namespace, name: api.name, uid: api.uid, path: '/etc/shadow' }) ?? '',
      /^\/etc\/shadow is not a token file pod payments\/.* projects \(\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token\)$/,
    );
  });

  it('says a Pending pod with no node has no token yet', () => {
    const s = state.current;
    assert.ok(s);
    const pod = s.snapshot()?.pods.find((p) => p.name === 'queued');
    assert.ok(pod);
    assert.equal(pod.nodeName ?? '', '', 'the pod is not scheduled');
    assert.equal(
      s.liveReadRefusal({ namespace: 'waiting', name: 'queued', uid: pod.uid }),
      'pod waiting/queued is Pending (not scheduled to a node): it has no token yet',
    );
  });

  it('refuses a pod the inventory does not know', () => {
    const s = state.current;
    assert.ok(s);
    assert.match(s.liveReadRefusal({ namespace: 'payments', name: 'made-up' }) ?? '', /not in this context's pod list/);
  });
});
