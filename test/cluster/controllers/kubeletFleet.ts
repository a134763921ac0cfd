// One Kubelet per Node, and when their tokens are minted: at pod start ("eager"), or on the
// first read of a token file ("on-read"), which keeps a 10,000-pod scenario quick to build.

import type { Clock } from '../clock';
import { Kubelet, type KubeletPod } from '../kubelet';
import type { TokenIssuer } from '../tokenIssuer';

export type TokenMinting = 'eager' | 'on-read';

export class KubeletFleet {
  minting: TokenMinting = 'eager';
  private readonly kubelets = new Map<string, { uid: string; kubelet: Kubelet; pods: KubeletPod[] }>();
  private readonly materialized = new Set<string>();

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
  sync(podsByNode: Map<string, { uid: string; pods: KubeletPod[] }>): void {
    for (const name of [...this.kubelets.keys()]) if (!podsByNode.has(name)) this.kubelets.delete(name);
    const live = new Set<string>();
    for (const { pods } of podsByNode.values()) for (const p of pods) live.add(p.uid);
    for (const uid of [...this.materialized]) if (!live.has(uid)) this.materialized.delete(uid);
    for (const [name, { uid, pods }] of podsByNode) {
      const kubelet = this.forNode(name, uid);
      const entry = this.kubelets.get(name);
      if (entry !== undefined) entry.pods = pods;
      kubelet.sync(pods.map((p) => this.withMinting(p)));
    }
  }

  /** The current content of a token file in a pod, minting it first in on-read mode. */
  readToken(nodeName: string, podUid: string, path: string): string | undefined {
    const entry = this.kubelets.get(nodeName);
    if (entry === undefined) return undefined;
    if (!this.materialized.has(podUid) && entry.pods.some((p) => p.uid === podUid)) {
      this.materialized.add(podUid);
      entry.kubelet.sync(entry.pods.map((p) => this.withMinting(p)));
    }
    return entry.kubelet.readFile(podUid, path);
  }

  /** The kubelet running a pod, if any pod with this uid is running. */
  forPod(podUid: string): Kubelet | undefined {
    for (const entry of this.kubelets.values()) if (entry.pods.some((p) => p.uid === podUid)) return entry.kubelet;
    return undefined;
  }

  /**
   * The pod's kubelet rebuilds its token files as if the pod had run since `startedAtSeconds`
   * (see Kubelet.backfill); with `untilSeconds`, refreshing stopped then.
   */
  backfill(podUid: string, startedAtSeconds: number, untilSeconds?: number): void {
    for (const entry of this.kubelets.values()) {
      const pod = entry.pods.find((p) => p.uid === podUid);
      if (pod === undefined) continue;
      this.materialized.add(podUid);
      entry.kubelet.backfill(pod, startedAtSeconds, untilSeconds);
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
    for (const [name, entry] of this.kubelets) if (entry.pods.some((p) => p.uid === podUid)) return this.readToken(name, podUid, path);
    return undefined;
  }

  written(podUid: string, path?: string): ReturnType<Kubelet['written']> {
    return this.forPod(podUid)?.written(podUid, path) ?? [];
  }

  private withMinting(p: KubeletPod): KubeletPod {
    if (this.minting === 'eager' && p.running) this.materialized.add(p.uid);
    return this.materialized.has(p.uid) ? p : { ...p, running: false };
  }
}
