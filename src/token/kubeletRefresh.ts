// The kubelet's token manager replaces a projected token once it is older than 24 h or
// within 20 % of its requested lifetime of expiring, whichever comes first (plus up to
// 10 s of jitter, which we leave out: it only makes the kubelet earlier). The file is
// rewritten on the pod's next resync, so "overdue" allows a grace after that point.

export interface RefreshTimes {
  issuedAt: number;
  expiresAt: number;
  /** Present on extended tokens: the kubelet requested warnAfter - issuedAt seconds, not the one-year exp. */
  warnAfter?: number;
}

const MAX_TTL_SECONDS = 24 * 3600;
/** The kubelet resyncs a pod every 60–90 s (1 min sync-frequency, 0.5 jitter); 120 s covers one late resync. */
const REFRESH_GRACE_SECONDS = 120;
/** ...but a short-lived token's grace is a tenth of its life, so a stall is seen before it expires. */
const REFRESH_GRACE_FRACTION = 0.1;

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

/** How long after the refresh point a healthy kubelet may still be writing the new token. */
export function refreshGraceSeconds(t: RefreshTimes): number {
  return Math.min(REFRESH_GRACE_SECONDS, Math.floor(requestedLifetime(t) * REFRESH_GRACE_FRACTION));
}

/** The epoch second after which the token still being in the file means the kubelet did not refresh it. */
export function refreshOverdueAt(t: RefreshTimes): number {
  return kubeletRefreshPoint(t) + refreshGraceSeconds(t);
}

/** True once `nowSeconds` is past the refresh point and its grace: the one rule the explorer and the diagnosis share. */
export function isRefreshOverdue(t: RefreshTimes, nowSeconds: number): boolean {
  return nowSeconds > refreshOverdueAt(t);
}
