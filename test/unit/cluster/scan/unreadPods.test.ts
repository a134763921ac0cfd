// A scan says what it could not read: a pod not yet on a node has no log (the API server answers an empty
// 204 for it), and that is "no log yet", never "no 401 problem".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeUnread, fetchPodLogs, scanUnauthorized } from '../../../../src/cluster/scan/unauthorizedScan';
import { R } from '../../../cluster/resources';
import { create, ensureNamespace, serviceAccount } from '../../../cluster/scenarios/build';
import { type Harness, PATTERNS, startHarness } from './support';

describe('pods whose logs a scan cannot read', () => {
  let h: Harness;

  before(async () => {
    // No scenario: the cluster has no Node, so a pod stays Pending, as in the recorded cluster.
    h = await startHarness([]);
    ensureNamespace(h.cluster, 'waiting');
    serviceAccount(h.cluster, 'waiting', 'app');
    for (const name of ['queued-1', 'queued-2']) {
      create(h.cluster, R.pods, 'waiting', { metadata: { name }, spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'app:1' }] } });
    }
  });
  after(() => h.close());

  it('answers the log of an unscheduled pod with an empty 204, which the reader takes as no log yet', async () => {
    const pod = h.cluster.store.peek(R.pods, 'waiting', 'queued-1');
    assert.ok(pod);
    // As if the pod had a node: the server still has none for it and answers 204 No Content.
    const claimed = { metadata: { namespace: 'waiting', name: 'queued-1' }, spec: { nodeName: 'node-x', containers: [{ name: 'app' }] } };
    const read = await fetchPodLogs(h.session, claimed, {});
    assert.deepEqual(read.problems, [], 'an empty 204 is not a failure');
    assert.deepEqual(read.logs, []);
    assert.equal(read.unread, 'noLog');
  });

  it('skips a pod with no node without asking, and counts it as unread, not clean', async () => {
    await h.caughtUp();
    const before = h.cluster.requests.all().filter((r) => r.info.kind === 'resource' && r.info.subresource === 'log').length;
    const result = await scanUnauthorized(
      { ...h.session, context: h.session.context },
      { kind: 'namespace', namespace: 'waiting' },
      { patterns: PATTERNS, nowMs: h.now },
    );
    const after = h.cluster.requests.all().filter((r) => r.info.kind === 'resource' && r.info.subresource === 'log').length;
    assert.equal(after, before, 'no log request for a pod that runs nowhere');
    assert.deepEqual(result.unread.map((u) => `${u.pod} ${u.why}`).sort(), ['waiting/queued-1 pending', 'waiting/queued-2 pending']);
    assert.equal(result.events.length, 0);
    assert.equal(describeUnread(result.unread, result.scanned.pods), '2 of 2 pods have no log yet: Pending, not on a node');
  });

  it('puts every kind of unread pod in one sentence', () => {
    assert.equal(describeUnread([], 4), undefined);
    assert.equal(
      describeUnread(
        [
          { pod: 'a/p', why: 'pending' },
          { pod: 'a/q', why: 'noLog' },
          { pod: 'a/r', why: 'failed' },
        ],
        5,
      ),
      '1 of 5 pods has no log yet: Pending, not on a node; 1 of 5 pods wrote no log yet; the logs of 1 of 5 pods could not be read (see the log)',
    );
  });
});
