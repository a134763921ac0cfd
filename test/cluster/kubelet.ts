// A kubelet in miniature: it keeps each running pod's projected service-account token files
// fresh with the same refresh rule as kubelet's token manager, minus the random jitter.
import type { Clock } from './clock';
import type { IssuedToken, TokenIssuer } from './tokenIssuer';

export interface ProjectedTokenSource { volume: string; path: string; audience?: string; expirationSeconds: number }
export interface KubeletPod {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: { name: string; uid: string };
  nodeName?: string;
  running: boolean;
  tokens: ProjectedTokenSource[];
}
export interface WrittenToken { path: string; issued: IssuedToken; writtenAtSeconds: number }

/** kubelet refreshes every token at least once a day, whatever its lifetime. */
export const MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;

interface TokenFile { current?: WrittenToken; history: WrittenToken[]; lastError?: string }

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
    for (const uid of [...this.files.keys()]) {
      if (!listed.has(uid)) this.files.delete(uid);
    }
    for (const uid of [...this.stalled]) {
      if (!listed.has(uid)) this.stalled.delete(uid);
    }
    // Compared with millisecond precision, like kubelet's time.After on the exact due second.
    const now = this.clock.nowMs() / 1000;
    for (const pod of pods) {
      // A stalled pod is the PR 130335 bug: kubelet stops remounting, the files go stale.
      if (!pod.running || this.stalled.has(pod.uid)) continue;
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
    const result = this.issuer.issue({
      namespace: pod.namespace,
      serviceAccount: pod.serviceAccount,
      audiences: source.audience !== undefined && source.audience !== '' ? [source.audience] : undefined,
      expirationSeconds: source.expirationSeconds,
      boundObject: { kind: 'Pod', name: pod.name, uid: pod.uid },
      node: this.nodeOf(pod),
      nowSeconds: Math.floor(now),
    });
    if (!result.ok) {
      file.lastError = result.message;
      return;
    }
    file.current = { path: source.path, issued: result.issued, writtenAtSeconds: Math.floor(now) };
    file.history.push(file.current);
    delete file.lastError;
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
