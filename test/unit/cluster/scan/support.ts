// A session of the product's cluster layer on an in-process test cluster, with its inventory listed and
// watching (collectEvidence reads pods, service accounts and Secrets from it), and helpers that record
// what the explorer would: live token observations into a HistoryStore.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { openSession, type ClusterSession } from '../../../../src/cluster/auth/session';
import { Inventory, type InventoryOptions } from '../../../../src/cluster/inventory/inventory';
import { projectLegacySecret, projectPod, projectServiceAccount } from '../../../../src/cluster/inventory/projection';
import type { EvidenceSession } from '../../../../src/cluster/scan/collectEvidence';
import { HistoryStore } from '../../../../src/history';
import { compilePatterns, DEFAULT_PATTERNS, type CompiledPatterns } from '../../../../src/logs';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { waitFor } from '../support/session';

export interface Harness {
  cluster: TestCluster;
  session: ClusterSession;
  history: HistoryStore;
  dir: string;
  now: () => number;
  /** The admin session's inventory over the whole cluster, settled. */
  inventory: Inventory;
  /** The admin session as collectEvidence takes it, reading `inventory`. */
  evidence: EvidenceSession;
  /** Waits until the inventory holds what the cluster holds now (after writes, or after moving the clock). */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

export const PATTERNS: CompiledPatterns = compilePatterns(DEFAULT_PATTERNS);

export async function startHarness(scenarios: string[]): Promise<Harness> {
  const cluster = await startTestCluster({ scenarios });
  const dir = mkdtempSync(join(tmpdir(), 'cc-evidence-'));
  const kubeconfig = cluster.writeKubeconfig(dir);
  const load = loadKubeconfig({ settingPath: kubeconfig, env: {}, home: dir });
  const opened = openSession(load, { trustExecPlugins: false, nowMs: () => cluster.clock.nowMs() });
  if (!opened.ok) throw new Error(opened.message);
  const now = (): number => cluster.clock.nowMs();
  const history = await HistoryStore.open(join(dir, 'history'), { nowMs: now, maxDays: 400 });
  const inventory = startInventory(opened.session);
  await waitFor('the inventory to list everything', () => inventory.isSettled());
  return {
    cluster,
    session: opened.session,
    history,
    dir,
    now,
    inventory,
    evidence: { context: opened.session.context, api: opened.session.api, inventory },
    caughtUp: () => caughtUp(cluster, inventory),
    async close() {
      inventory.stop();
      await history.close();
      await opened.session.api.dispose();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An inventory of `session`, started, quick to report changes. */
export function startInventory(session: ClusterSession, extra: Partial<InventoryOptions> = {}): Inventory {
  const inventory = new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [50], ...extra });
  inventory.start();
  return inventory;
}

function sameItems(want: readonly unknown[], have: readonly unknown[]): boolean {
  const text = (items: readonly unknown[]): string =>
    items
      .map((i) => JSON.stringify(i))
      .sort()
      .join('\n');
  return text(want) === text(have);
}

/** The inventory's pods, service accounts and legacy Secrets equal the projections of the cluster's own objects. */
export async function caughtUp(cluster: TestCluster, inventory: Inventory): Promise<void> {
  const project = <T>(objects: readonly unknown[], fn: (o: unknown) => T | undefined): T[] => objects.flatMap((o) => fn(o) ?? []);
  await waitFor('the inventory to catch up with the cluster', () => {
    const snap = inventory.snapshot();
    // The signature check lands later and is not part of what the cluster holds.
    const secrets = snap.secrets.map((s) => ({ ...s, signature: undefined }));
    return (
      sameItems(project(cluster.store.list(R.pods), projectPod), snap.pods) &&
      sameItems(project(cluster.store.list(R.serviceAccounts), projectServiceAccount), snap.serviceAccounts) &&
      sameItems(
        project(cluster.store.list(R.secrets), (o) => projectLegacySecret(o)),
        secrets,
      )
    );
  });
}

export function podsOf(cluster: TestCluster, namespace: string, prefix: string): Pod[] {
  return cluster.store
    .list(R.pods, namespace)
    .filter((p) => p.metadata.name.startsWith(prefix))
    .map((p) => p as Pod);
}

export function onePod(cluster: TestCluster, namespace: string, prefix: string): Pod {
  const pod = podsOf(cluster, namespace, prefix)[0];
  if (!pod) throw new Error(`no pod ${namespace}/${prefix}*`);
  return pod;
}

/** What the explorer's live token reader does, through the kubelet of the test cluster. */
export function kubeletReader(cluster: TestCluster): (t: { podUid: string; path: string }) => Promise<string | undefined> {
  return async (t) => cluster.kubelet.readFile(t.podUid, t.path);
}
