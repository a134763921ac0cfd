// PVCs are evidence of one thing only, a stalled token refresh: collectEvidence reads none for healthy pods,
// reads those of a pod whose token is overdue (and names the Terminating one), and keeps the answer until the
// pod changes, so the diagnosis repeated every few minutes does not read it again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectEvidence } from '../../../../src/cluster/scan/collectEvidence';
import { ClaimCache } from '../../../../src/cluster/scan/podEvidence';
import { diagnose } from '../../../../src/diagnosis/diagnose';
import { R } from '../../../cluster/resources';
import { type Harness, kubeletReader, onePod, startHarness } from './support';

describe('PVC reads on demand', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['healthy']);
  });
  after(() => h.close());

  const claimGets = (): number => h.cluster.requests.of('get', 'persistentvolumeclaims').length;

  it('reads no PVC of a healthy pod, and those of a stalled pod once until it changes', async () => {
    const claims = new ClaimCache();
    const scope = { kind: 'pod', namespace: 'db', name: 'patroni-0' } as const;
    const collect = (withHistory: boolean) =>
      collectEvidence(h.evidence, scope, {
        nowMs: h.now,
        claims,
        readToken: kubeletReader(h.cluster),
        ...(withHistory ? { history: h.history } : {}),
      });

    const healthy = await collect(true);
    await h.history.append(healthy.newObservations);
    assert.equal(healthy.evidence.pods[0]?.claims.length, 1, 'patroni-0 mounts a PVC');
    assert.equal(healthy.evidence.pods[0]?.claims[0]?.found, undefined, 'not read');
    assert.equal(claimGets(), 0, 'a healthy pod costs no PVC get');

    // Someone deletes the PVC; the pod still uses it, so it stays Terminating, and the kubelet stalls.
    const pod = onePod(h.cluster, 'db', 'patroni-0');
    assert.ok(h.cluster.api.delete(R.persistentVolumeClaims, 'db', 'data-patroni-0').ok);
    h.cluster.kubelet.stall(pod.metadata.uid, true);
    for (let i = 0; i < 6; i++) {
      h.cluster.advance(600);
      await h.caughtUp();
      await h.history.append((await collect(false)).newObservations);
    }
    const stalled = await collect(true);
    const gets = claimGets();
    assert.ok(gets >= 1, 'the stalled pod has its PVC read');
    assert.deepEqual(
      stalled.evidence.pods[0]?.claims.map((c) => [c.claimName, c.terminating, c.found]),
      [['data-patroni-0', true, true]],
    );
    assert.deepEqual(
      diagnose(stalled.evidence, h.now()).map((f) => [f.rule, f.cause]),
      [['refreshStalled', 'pvcTerminating']],
    );

    const again = await collect(true);
    assert.equal(claimGets(), gets, 'the pod did not change: its PVC is not read again');
    assert.equal(again.evidence.pods[0]?.claims[0]?.terminating, true, 'what was read is kept');
  });
});
