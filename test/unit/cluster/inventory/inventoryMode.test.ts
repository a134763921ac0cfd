// The inventory's mode: decided from what one `limit=1` list says of the cluster's size (remainingItemCount),
// or forced by the setting; and the words the tree shows for it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countOf, decideMode, probeClusterSize } from '../../../../src/cluster/inventory/inventoryMode';
import { KindGate } from '../../../../src/cluster/inventory/resourceWatch';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, tempDir, type TempDir } from '../support/session';

describe('the size a limit=1 page stands for', () => {
  it('is the items plus remainingItemCount', () => {
    assert.equal(countOf({ items: [{}], metadata: { continue: 'c', remainingItemCount: 149_999 } }), 150_000);
  });

  it('is the page itself when there is no continue token', () => {
    assert.equal(countOf({ items: [{}], metadata: {} }), 1);
    assert.equal(countOf({ items: [], metadata: {} }), 0);
  });

  it('is unknown when more follows and the server did not say how many', () => {
    assert.equal(countOf({ items: [{}], metadata: { continue: 'c' } }), undefined);
  });
});

describe('the mode decision', () => {
  it('lists per namespace above the threshold, and says why in words', () => {
    const scope = decideMode('auto', { pods: 150_000, secrets: 9_000 }, 20_000);
    assert.equal(scope.mode, 'namespaces');
    assert.equal(scope.why, 'large');
    assert.equal(scope.sentence, 'Showing pods only for namespaces you open: the cluster has about 150,000 pods (over 20,000)');
    assert.equal(scope.reason, 'the cluster has about 150,000 pods (over 20,000)');
    assert.equal(scope.pods, 150_000);
  });

  it('lists across the cluster at or below the threshold', () => {
    const scope = decideMode('auto', { pods: 20_000, secrets: 100 }, 20_000);
    assert.equal(scope.mode, 'cluster');
    assert.equal(scope.why, 'small');
    assert.equal(scope.sentence, 'Listing pods across the cluster: the cluster has about 20,000 pods (up to 20,000)');
  });

  it('lists per namespace when Secrets alone pass the threshold', () => {
    const scope = decideMode('auto', { pods: 3_000, secrets: 45_000 }, 20_000);
    assert.equal(scope.mode, 'namespaces');
    assert.match(scope.sentence, /about 45,000 Secrets \(over 20,000\)/);
  });

  it('lists across the cluster when the size is not known', () => {
    const scope = decideMode('auto', {}, 20_000);
    assert.equal(scope.mode, 'cluster');
    assert.equal(scope.why, 'sizeUnknown');
    assert.match(scope.sentence, /did not say how many pods it has/);
  });

  it('follows a forced mode whatever the size', () => {
    const forced = decideMode('namespaces', { pods: 10 }, 20_000);
    assert.deepEqual([forced.mode, forced.why], ['namespaces', 'setting']);
    assert.equal(forced.sentence, 'Showing pods only for namespaces you open: clusterCredentials.inventory.mode is namespaces');
    const cluster = decideMode('cluster', { pods: 150_000 }, 20_000);
    assert.deepEqual([cluster.mode, cluster.why], ['cluster', 'setting']);
    assert.equal(cluster.sentence, 'Listing pods across the cluster: clusterCredentials.inventory.mode is cluster');
  });
});

describe('asking the test cluster its size', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-size-');
    session = sessionFor(cluster, tmp);
  });
  after(async () => {
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('reads the counts of pods and Secrets from one limit=1 list of each', async () => {
    const round = await probeClusterSize(session.api, new KindGate());
    assert.deepEqual(round, {
      size: { pods: cluster.store.list(R.pods).length, secrets: cluster.store.list(R.secrets).length },
      answered: ['pods', 'secrets'],
      failures: [],
    });
    const asked = cluster.requests.all().filter((r) => r.info.kind === 'resource' && r.info.verb === 'list');
    assert.deepEqual(asked.map((r) => [r.info.kind === 'resource' ? r.info.resource : '', r.query.toString()]).sort(), [
      ['pods', 'limit=1'],
      ['secrets', 'limit=1'],
    ]);
  });
});
