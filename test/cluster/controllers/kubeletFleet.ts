// One Kubelet per Node, and when their tokens are minted: at pod start ("eager"), or on the
// first read of a token file ("on-read"), which keeps a 10,000-pod scenario quick to build.

import type { Clock } from '../clock';
import { Kubelet, type KubeletPod } from '../kubelet';
import type { TokenIssuer } from '../tokenIssuer';
import type { Pod } from '../types';

export type TokenMinting = 'eager' | 'on-read';

/** How a kubelet sees a pod it runs (service account uid, token sources), asked once it mints for it. */
export type DescribePod = (pod: Pod, nodeName: string) => KubeletPod;

interface KubeletEntry {
  uid: string;
  kubelet: Kubelet;
  /** The Node's pods as stored: unread ones are never described. */
  pods: readonly Pod[];
  /** Their uids, made when first asked. */
  uids?: Set<string>;
  /** The described pods whose tokens are minted, made for `pods` at `at` (a materializedVersion). */
  minted?: { pods: readonly Pod[]; running: KubeletPod[]; at: number };
}

export class KubeletFleet {
  minting: TokenMinting = 'eager';
  private readonly kubelets = new Map<string, KubeletEntry>();
  private readonly materialized = new Set<string>();
  /** Counts changes to `materialized`, so a kubelet's minted pods are listed again only then. */
  private materializedVersion = 0;
  private lastPods?: Map<string, { uid: string; pods: readonly Pod[] }>;
  private describe: DescribePod = () => {
    throw new Error('the kubelets were never synced');
  };

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly clock: Clock,
  ) {}

  /** The kubelet of a Node (created on first use; a re-created Node gets a new kubelet). */
  forNode(name: string, uid: string): Kubelet {
    const existing = this.kubelets.get(name);
    if (existing !== undefined && existing.uid === uid) return existing.kubelet;
    const kubelet = new Kubelet(this.issuer, this.clock, { name, uid });
    this.kubelets.set(name, { uid, kubelet, pods: [] });
    return kubelet;
  }

  find(nodeName: string): Kubelet | undefined {
    return this.kubelets.get(nodeName)?.kubelet;
  }

  /** Hand each kubelet its pods; nodes that vanished drop their kubelet. */
  sync(podsByNode: Map<string, { uid: string; pods: readonly Pod[] }>, describe: DescribePod): void {
    this.describe = describe;
    // The same pods as last time (only the clock moved): nothing to forget.
    if (podsByNode !== this.lastPods) {
      this.lastPods = podsByNode;
      for (const name of [...this.kubelets.keys()]) if (!podsByNode.has(name)) this.kubelets.delete(name);
      if (this.materialized.size > 0) {
        const live = new Set<string>();
        for (const { pods } of podsByNode.values()) for (const p of pods) live.add(p.metadata.uid);
        for (const uid of [...this.materialized]) if (!live.has(uid)) this.forget(uid);
      }
    }
    for (const [name, { uid, pods }] of podsByNode) {
      this.forNode(name, uid);
      const entry = this.kubelets.get(name);
      if (entry === undefined) continue;
      if (entry.pods !== pods) {
        entry.pods = pods;
        delete entry.uids;
      }
      this.syncEntry(name, entry);
    }
  }

  /** The current content of a token file in a pod, minting it first in on-read mode. */
  readToken(nodeName: string, podUid: string, path: string): string | undefined {
    const entry = this.kubelets.get(nodeName);
    if (entry === undefined) return undefined;
    if (!this.materialized.has(podUid) && this.uidsOf(entry).has(podUid)) {
      this.materialize(podUid);
      this.syncEntry(nodeName, entry);
    }
    return entry.kubelet.readFile(podUid, path);
  }

  /** The kubelet running a pod, if any pod with this uid is running. */
  forPod(podUid: string): Kubelet | undefined {
    for (const entry of this.kubelets.values()) if (entry.pods.some((p) => p.metadata.uid === podUid)) return entry.kubelet;
    return undefined;
  }

  /**
   * The pod's kubelet rebuilds its token files as if the pod had run since `startedAtSeconds`
   * (see Kubelet.backfill); with `untilSeconds`, refreshing stopped then.
   */
  backfill(podUid: string, startedAtSeconds: number, untilSeconds?: number): void {
    for (const [name, entry] of this.kubelets) {
      const pod = entry.pods.find((p) => p.metadata.uid === podUid);
      if (pod === undefined) continue;
      this.materialize(podUid);
      entry.kubelet.backfill(this.describe(pod, name), startedAtSeconds, untilSeconds);
      return;
    }
    throw new Error(`no kubelet runs pod ${podUid}`);
  }

  /** Make the pod's kubelet stop (or resume) refreshing its token files. */
  stall(podUid: string, stalled: boolean): void {
    const kubelet = this.forPod(podUid);
    if (kubelet === undefined) throw new Error(`no kubelet runs pod ${podUid}`);
    kubelet.stall(podUid, stalled);
  }

  /** The token file as the pod's containers see it now (minting it first in on-read mode). */
  readFile(podUid: string, path: string): string | undefined {
    for (const [name, entry] of this.kubelets) if (entry.pods.some((p) => p.metadata.uid === podUid)) return this.readToken(name, podUid, path);
    return undefined;
  }

  written(podUid: string, path?: string): ReturnType<Kubelet['written']> {
    return this.forPod(podUid)?.written(podUid, path) ?? [];
  }

  private syncEntry(name: string, entry: KubeletEntry): void {
    entry.kubelet.syncRunning(this.mintedOf(name, entry), (uid) => this.uidsOf(entry).has(uid));
  }

  private uidsOf(entry: KubeletEntry): Set<string> {
    entry.uids ??= new Set(entry.pods.map((p) => p.metadata.uid));
    return entry.uids;
  }

  /** The Node's pods whose tokens are minted, described; remade only when its pods or the read ones change. */
  private mintedOf(name: string, entry: KubeletEntry): KubeletPod[] {
    const minted = entry.minted;
    if (minted !== undefined && minted.pods === entry.pods && minted.at === this.materializedVersion) return minted.running;
    const running: KubeletPod[] = [];
    for (const pod of entry.pods) {
      if (this.minting === 'eager') this.materialize(pod.metadata.uid);
      if (this.materialized.has(pod.metadata.uid)) running.push(this.describe(pod, name));
    }
    entry.minted = { pods: entry.pods, running, at: this.materializedVersion };
    return running;
  }

  private materialize(uid: string): void {
    if (this.materialized.has(uid)) return;
    this.materialized.add(uid);
    this.materializedVersion++;
  }

  private forget(uid: string): void {
    if (this.materialized.delete(uid)) this.materializedVersion++;
  }
}
