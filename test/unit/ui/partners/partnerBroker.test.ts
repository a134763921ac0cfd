// The Kubernetes extension's API broker as the adapter reads it: available APIs, the package's reasons when one
// is not, and exports or brokers that are not what vscode-kubernetes-tools-api describes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIBroker } from 'vscode-kubernetes-tools-api';
import { apiOf, asBroker } from '../../../../src/ui/partners/partnerBroker';

const explorer = { refresh: (): void => undefined };

const broker: APIBroker = {
  get(component: string, version: string) {
    if (component === 'clusterexplorer' && version === 'v1_1') return { available: true, api: explorer };
    if (component === 'configuration' && version === 'v1') return { available: false, reason: 'version-removed' };
    return { available: false, reason: 'version-unknown' };
  },
};

describe('the Kubernetes Tools API broker', () => {
  it('takes an activated extension’s exports only when they have get()', () => {
    assert.equal(asBroker(broker), broker);
    assert.equal(asBroker(undefined), undefined);
    assert.equal(asBroker({ clusterExplorer: {} }), undefined);
    assert.equal(asBroker('v1'), undefined);
  });

  it('gives the API asked for when it is available', () => {
    assert.equal(apiOf<typeof explorer>(broker, 'clusterexplorer', 'v1_1').api, explorer);
  });

  it('says why an API is unavailable, in the package’s words', () => {
    assert.deepEqual(apiOf(broker, 'configuration', 'v1_1'), { why: 'configuration v1_1: version-unknown' });
    assert.deepEqual(apiOf(broker, 'configuration', 'v1'), { why: 'configuration v1: version-removed' });
  });

  it('never throws, whatever the broker does', () => {
    const throwing: APIBroker = {
      get() {
        throw new Error('not ready');
      },
    };
    assert.deepEqual(apiOf(throwing, 'clusterexplorer', 'v1_1'), { why: 'clusterexplorer v1_1: not ready' });
    const odd = { get: () => 42 } as unknown as APIBroker;
    assert.deepEqual(apiOf(odd, 'clusterexplorer', 'v1_1'), { why: 'clusterexplorer v1_1: unavailable' });
  });
});
