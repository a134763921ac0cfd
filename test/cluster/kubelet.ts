// A kubelet in miniature: it keeps each running pod's projected service-account token files
// fresh with the same refresh rule as kubelet's token manager, minus the random jitter.
import type { Clock } from './clock';
import type { IssuedToken, TokenIssuer } from './tokenIssuer';

export interface ProjectedTokenSource {
  volume: string;
  path: string;
  audience?: string;
  expirationSeconds: number;
}
export interface KubeletPod {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: { name: string; uid: string };
  nodeName?: string;
  running: boolean;
  tokens: ProjectedTokenSource[];
}
export interface WrittenToken {
  path: string;
  issued: IssuedToken;
  writtenAtSeconds: number;
}

/** kubelet refreshes every token at least once a day, whatever its lifetime. */
export const MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;
/** How many of the latest refreshes `backfill` writes after the first token. */
const BACKFILL_KEEP_LAST = 3;

interface TokenFile {
  current?: WrittenToken;
  history: WrittenToken[];
  lastError?: string;
}

export class Kubelet {
  private readonly files = new Map<string, Map<string, TokenFile>>();
  private readonly stalled = new Set<string>();

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly clock: Clock,
    private readonly node?: { name: string; uid: string },
  ) {}

  sync(pods: KubeletPod[]): void {
    const listed = new Set(pods.map((p) => p.uid));
    this.syncRunning(
      pods.filter((p) => p.running),
      (uid) => listed.has(uid),
    );
  }

  /**
   * `sync` for a kubelet told its pods by uid and described only when running: a Node of a big
   * cluster whose token files nobody read yet has no pod to describe.
   */
  syncRunning(running: KubeletPod[], isListed: (uid: string) => boolean): void {
    for (const uid of [...this.files.keys()]) {
      if (!isListed(uid)) this.files.delete(uid);
    }
    for (const uid of [...this.stalled]) {
      if (!isListed(uid)) this.stalled.delete(uid);
    }
    // Compared with millisecond precision, like kubelet's time.After on the exact due second.
    const now = this.clock.nowMs() / 1000;
    for (const pod of running) {
      // A stalled pod is the PR 130335 bug: kubelet stops remounting, the files go stale.
      if (this.stalled.has(pod.uid)) continue;
      for (const source of pod.tokens) {
        this.syncSource(pod, source, now);
      }
    }
  }

  stall(podUid: string, stalled: boolean): void {
    if (stalled) this.stalled.add(podUid);
    else this.stalled.delete(podUid);
  }

  readFile(podUid: string, path: string): string | undefined {
    return this.files.get(podUid)?.get(path)?.current?.issued.token;
  }

  written(podUid: string, path?: string): WrittenToken[] {
    const pod = this.files.get(podUid);
    if (pod === undefined) return [];
    const files = path === undefined ? [...pod.values()] : [pod.get(path)].filter((f): f is TokenFile => f !== undefined);
    return files.flatMap((f) => f.history).sort((a, b) => a.writtenAtSeconds - b.writtenAtSeconds);
  }

  /** Why the last TokenRequest for this file failed (the real kubelet logs it and keeps the old file). */
  lastError(podUid: string, path: string): string | undefined {
    return this.files.get(podUid)?.get(path)?.lastError;
  }

  /**
   * Rebuild a pod's token files as if the kubelet had run it since `startedAtSeconds`: the token
   * written at start, then one at each refresh, up to `untilSeconds` (now by default). A long past
   * keeps the first token and the last few refreshes; minting a year of hourly tokens would take
   * seconds and show nothing more. For scenarios whose incident began before the cluster started.
   */
  backfill(pod: KubeletPod, startedAtSeconds: number, untilSeconds: number = this.clock.nowSeconds()): void {
    const podFiles = new Map<string, TokenFile>();
    this.files.set(pod.uid, podFiles);
    for (const source of pod.tokens) {
      const file: TokenFile = { history: [] };
      podFiles.set(source.path, file);
      const first = this.mint(pod, source, startedAtSeconds);
      if (first === undefined) continue;
      // Each token is due for refresh the same span after its iat; the kubelet acts a second later.
      const period = refreshDue(first) - first.iat + 1;
      const refreshes = Math.max(0, Math.floor((untilSeconds - startedAtSeconds) / period));
      const times = [startedAtSeconds];
      for (let i = Math.max(1, refreshes - BACKFILL_KEEP_LAST + 1); i <= refreshes; i++) times.push(startedAtSeconds + i * period);
      for (const at of times) {
        const issued = at === startedAtSeconds ? first : this.mint(pod, source, at);
        if (issued === undefined) continue;
        file.current = { path: source.path, issued, writtenAtSeconds: at };
        file.history.push(file.current);
      }
    }
  }

  /** The second after which the current token of this file is refreshed at the next sync. */
  refreshDueSeconds(podUid: string, path: string): number | undefined {
    const current = this.files.get(podUid)?.get(path)?.current;
    return current === undefined ? undefined : refreshDue(current.issued);
  }

  private syncSource(pod: KubeletPod, source: ProjectedTokenSource, now: number): void {
    let podFiles = this.files.get(pod.uid);
    if (podFiles === undefined) {
      podFiles = new Map();
      this.files.set(pod.uid, podFiles);
    }
    let file = podFiles.get(source.path);
    if (file?.current !== undefined && now <= refreshDue(file.current.issued)) return;
    if (file === undefined) {
      file = { history: [] };
      podFiles.set(source.path, file);
    }
    // After a big clock jump this mints one token at the current time, not every missed one.
    const result = this.request(pod, source, Math.floor(now));
    if (!result.ok) {
      file.lastError = result.message;
      return;
    }
    file.current = { path: source.path, issued: result.issued, writtenAtSeconds: Math.floor(now) };
    file.history.push(file.current);
    delete file.lastError;
  }

  private mint(pod: KubeletPod, source: ProjectedTokenSource, atSeconds: number): IssuedToken | undefined {
    const result = this.request(pod, source, atSeconds);
    return result.ok ? result.issued : undefined;
  }

  /** The TokenRequest the kubelet makes for one projected source. */
  private request(pod: KubeletPod, source: ProjectedTokenSource, atSeconds: number): ReturnType<TokenIssuer['issue']> {
    return this.issuer.issue({
      namespace: pod.namespace,
      serviceAccount: pod.serviceAccount,
      audiences: source.audience !== undefined && source.audience !== '' ? [source.audience] : undefined,
      expirationSeconds: source.expirationSeconds,
      boundObject: { kind: 'Pod', name: pod.name, uid: pod.uid },
      node: this.nodeOf(pod),
      nowSeconds: atSeconds,
    });
  }

  private nodeOf(pod: KubeletPod): { name: string; uid?: string } | undefined {
    if (pod.nodeName === undefined || pod.nodeName === '') return undefined;
    // The apiserver adds the Node's uid only when that Node object exists; ours is the one we know.
    return this.node !== undefined && this.node.name === pod.nodeName ? { ...this.node } : { name: pod.nodeName };
  }
}

/**
 * kubelet's requiresRefresh without jitter: refresh once now is after
 * iat + 24 h, or after expirationTimestamp - 20 % of the granted seconds. It uses the
 * TokenRequest status, so a 3607 s token refreshes at ~48 min although its JWT exp is a year away.
 */
export function refreshDue(issued: IssuedToken): number {
  const statusExp = Date.parse(issued.expirationTimestamp) / 1000;
  const iat = statusExp - issued.expirationSeconds;
  const twentyPercent = Math.floor((issued.expirationSeconds * 20) / 100);
  return Math.min(iat + MAX_TOKEN_AGE_SECONDS, statusExp - twentyPercent);
}
