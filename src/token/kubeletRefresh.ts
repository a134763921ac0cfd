// The kubelet's token manager replaces a projected token once it is older than 24 h or
// within 20 % of its requested lifetime of expiring, whichever comes first (plus up to
// 10 s of jitter, which we leave out: it only makes the kubelet earlier).

export interface RefreshTimes {
  issuedAt: number;
  expiresAt: number;
  /** Present on extended tokens: the kubelet requested warnAfter - issuedAt seconds, not the one-year exp. */
  warnAfter?: number;
}

const MAX_TTL_SECONDS = 24 * 3600;

/**
 * The lifetime the kubelet asked for. The apiserver answers a 3607 s request for a pod-bound,
 * kube-audience token with a one-year `exp` and `warnafter = iat + 3607`, but the kubelet still
 * sees the 3607 s it requested.
 */
export function requestedLifetime(t: RefreshTimes): number {
  const end = t.warnAfter !== undefined && Number.isFinite(t.warnAfter) && t.warnAfter > t.issuedAt ? t.warnAfter : t.expiresAt;
  return Math.max(0, end - t.issuedAt);
}

/** The epoch second after which the kubelet should have replaced the token. */
export function kubeletRefreshPoint(t: RefreshTimes): number {
  const lifetime = requestedLifetime(t);
  // Integer division, as the kubelet computes expirationSeconds*20/100 on int64.
  const margin = Math.floor((lifetime * 20) / 100);
  return Math.min(t.issuedAt + MAX_TTL_SECONDS, t.issuedAt + lifetime - margin);
}

/** True once `nowSeconds` is past the refresh point (strictly, like the kubelet's `now.After`). */
export function isRefreshOverdue(t: RefreshTimes, nowSeconds: number): boolean {
  return nowSeconds > kubeletRefreshPoint(t);
}
