// Read Live Token on a pod on no node: the menus offer it only on pods (and their token files) running on a
// node, read from the manifest's own `when` clauses against the tree's contextValues; and however it is
// invoked it ends with a sentence: the refusal, or the API server's reason for its 400, never silence.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import type { LiveTokenReading } from '../../../../src/cluster/inventory/types';
import { readLiveToken } from '../../../../src/cluster/live/readLiveToken';
import { readClaims } from '../../../../src/token/claims';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import type { ExplorerModel, ExplorerNode } from '../../../../src/ui/explorer/explorerNode';
import { liveReadMessage } from '../../../../src/ui/explorer/liveReadAction';
import { R } from '../../../cluster/resources';
import { create, ensureNamespace, serviceAccount } from '../../../cluster/scenarios/build';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { sessionFor, tempDir, waitFor, type TempDir } from '../../cluster/support/session';
import { child, modelSession } from './support';

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

const menus = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { menus: Record<string, MenuItem[]> };
  }
).contributes.menus['view/item/context'];

/** A `when` clause of the explorer's item menus, evaluated as VS Code would for one tree item. */
function shows(when: string, contextValue: string, liveTokens = 'onDemand'): boolean {
  return when.split('&&').every((term) => {
    const t = term.trim();
    if (t === 'view == clusterCredentials.explorer') return true;
    const re = /^viewItem =~ \/(.*)\/$/.exec(t);
    if (re) return new RegExp(re[1] ?? '').test(contextValue);
    const ne = /^clusterCredentials\.liveTokens != (\w+)$/.exec(t);
    if (ne) return liveTokens !== ne[1];
    throw new Error(`no evaluation for the term ${t}`);
  });
}

/** Where the tree offers Read Live Token on a node: "inline" (the eye icon), "menu" (the context menu). */
function offered(node: ExplorerNode): string[] {
  const entries = (menus ?? []).filter((m) => m.command === 'clusterCredentials.readLiveToken');
  assert.equal(entries.length, 2, 'the eye icon and the context menu entry');
  return entries.filter((m) => shows(m.when ?? '', node.contextValue ?? '')).map((m) => (m.group?.startsWith('inline') ? 'inline' : 'menu'));
}

describe('Read Live Token on a pod without a node', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let inventory: Inventory;
  let release: () => void = () => undefined;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    ensureNamespace(cluster, 'waiting');
    serviceAccount(cluster, 'waiting', 'app');
    // The scheduler held: the pod stays Pending, with no spec.nodeName.
    release = cluster.holdControllers();
    create(cluster, R.pods, 'waiting', { metadata: { name: 'queued' }, spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'app:1' }] } });
    tmp = tempDir('cc-live-read-');
    session = sessionFor(cluster, tmp);
    inventory = new Inventory({ api: session.api, coalesceMs: 0 });
    inventory.start();
    await waitFor('the Pending pod and a running one', () => {
      const pods = inventory.snapshot().pods;
      return pods.some((p) => p.name === 'queued') && pods.some((p) => p.name === 'vault-client' && p.phase === 'Running') ? true : undefined;
    });
  });
  after(async () => {
    release();
    inventory.stop();
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  function model(): ExplorerModel {
    return buildExplorerModel({
      nowSec: Math.floor(Date.now() / 1000),
      session: modelSession(session),
      inventory: inventory.snapshot(),
      findings: [],
      liveMode: 'onDemand',
    });
  }

  it('offers it on a pod running on a node and on its token files, in the menu and as the eye icon', () => {
    const m = model();
    const running = inventory.snapshot().pods.find((p) => p.name === 'vault-client');
    assert.ok(running);
    const pod = child(child(child(m.roots[0], 'payments'), running.serviceAccount), 'vault-client');
    assert.deepEqual(offered(pod), ['menu']);
    const file = child(pod, /^app · vault-token/);
    assert.deepEqual(offered(file).sort(), ['inline', 'menu']);
  });

  it('does not offer it on a Pending pod on no node, nor on its token file', () => {
    const pod = child(child(child(model().roots[0], 'waiting'), 'app'), 'queued');
    assert.equal(pod.description, 'Pending');
    assert.deepEqual(offered(pod), []);
    const file = child(pod, /^app · kube-api-access-/);
    assert.deepEqual(offered(file), []);
  });

  it("says the API server's reason when the read ran anyway (the pod was still unscheduled)", async () => {
    const pod = cluster.store.peek(R.pods, 'waiting', 'queued') as Pod;
    const reading = await readLiveToken(session.api, { namespace: 'waiting', pod: 'queued', podUid: pod.metadata.uid, container: 'app', path: TOKEN });
    const message = liveReadMessage('pod waiting/queued', undefined, [reading]);
    assert.equal(message.level, 'warning');
    assert.equal(
      message.text,
      'Could not read the live token of pod waiting/queued: the cluster rejected the request as invalid (400): pod queued does not have a host assigned',
    );
  });

  it('never ends silently: a refusal, nothing to read, some failed, or what was read', () => {
    const refusal = liveReadMessage('pod waiting/queued', 'pod waiting/queued is Pending (not scheduled to a node): it has no token yet', []);
    assert.deepEqual(refusal, {
      level: 'warning',
      text: 'Cannot read the live token of pod waiting/queued: pod waiting/queued is Pending (not scheduled to a node): it has no token yet.',
    });
    const none = liveReadMessage('pod waiting/queued', undefined, []);
    assert.equal(none.level, 'warning');
    assert.match(none.text, /^Read no live token of pod waiting\/queued: it has no token file to read now/);
    const failed: LiveTokenReading = { ok: false, atMs: 0, error: { kind: 'unreachable', message: 'the kubelet did not answer' } };
    const ok: LiveTokenReading = {
      ok: true,
      atMs: 0,
      token: { header: {}, claims: readClaims({ aud: [] }), fingerprint: 'f' },
      signature: { status: 'signed' },
    };
    assert.equal(
      liveReadMessage('pod a/b', undefined, [ok, failed]).text,
      'Could not read the live token of pod a/b (1 of 2 token files): the kubelet did not answer',
    );
    assert.deepEqual(liveReadMessage('pod a/b', undefined, [ok, ok]), {
      level: 'info',
      text: 'Read the live token of pod a/b (its 2 token files); the explorer shows it.',
    });
  });
});
