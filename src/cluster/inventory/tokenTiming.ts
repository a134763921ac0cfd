// Time rules the explorer shows: when the kubelet should have refreshed a projected token, whether a
// live token is past that point, and the state of the context's own credential.
import { expiryOf, tokenExpiry } from '../../token/expiry';
import { isRefreshOverdue, kubeletRefreshPoint, requestedLifetime } from '../../token/kubeletRefresh';
import type { DecodedToken, ExpiryInfo, ExpiryOptions } from '../../token/types';
import type { CredentialDescription } from '../auth/credentialDescription';
import type { ProjectedTokenMount } from './types';

const MAX_TTL_SECONDS = 24 * 3600;
/** The kubelet works on a sync loop; a token just past its refresh point is not yet a stalled refresh. */
const REFRESH_GRACE_SECONDS = 120;
/** ...but a short-lived token's grace is a tenth of its life, or it would expire inside the grace. */
const REFRESH_GRACE_FRACTION = 0.1;

export interface MountSchedule {
  /** Seconds between two refreshes of this file by a healthy kubelet. */
  periodSeconds: number;
  /** When the token now in the file should have been written (the latest refresh due by now). */
  lastRefreshAt: number;
  nextRefreshAt: number;
  /** Refreshes the kubelet should have made since the pod started. */
  refreshesSinceStart: number;
}

/** From the pod's start alone (no token read): the refreshes a healthy kubelet should have made by `now`. */
export function mountSchedule(mount: ProjectedTokenMount, startedAt: number, now: number): MountSchedule {
  const issuedAt = startedAt;
  const due = kubeletRefreshPoint({ issuedAt, expiresAt: issuedAt + mount.expirationSeconds });
  const period = Math.max(1, Math.min(MAX_TTL_SECONDS, due - issuedAt));
  const n = now > startedAt ? Math.floor((now - startedAt) / period) : 0;
  return { periodSeconds: period, lastRefreshAt: startedAt + n * period, nextRefreshAt: startedAt + (n + 1) * period, refreshesSinceStart: n };
}

export interface LiveTokenTiming {
  expiry: ExpiryInfo;
  /** When the kubelet should replace this token; only for tokens bound to a pod. */
  refreshDue?: number;
  /** True when the token is well past that point: the kubelet did not refresh it. */
  refreshOverdue: boolean;
  /** The lifetime the kubelet asked for (differs from exp - iat for extended tokens). */
  requestedSeconds?: number;
}

export function liveTokenTiming(token: DecodedToken, now: number, options?: Partial<ExpiryOptions>): LiveTokenTiming {
  const expiry = tokenExpiry(token, now, options);
  const { iat, exp, kubernetes } = token.claims;
  if (iat === undefined || exp === undefined || !kubernetes?.pod) return { expiry, refreshOverdue: false };
  const times = { issuedAt: iat, expiresAt: exp, warnAfter: kubernetes.warnAfter };
  const refreshDue = kubeletRefreshPoint(times);
  const requested = requestedLifetime(times);
  const grace = Math.min(REFRESH_GRACE_SECONDS, Math.floor(requested * REFRESH_GRACE_FRACTION));
  return { expiry, refreshDue, refreshOverdue: isRefreshOverdue(times, now - grace), requestedSeconds: requested };
}

/** The context credential's state, when its expiry (or at least its kind) is known. */
export function credentialExpiry(d: CredentialDescription, now: number, options?: Partial<ExpiryOptions>): ExpiryInfo {
  const notBefore = d.expirySource === 'certificate' ? d.clientCertificate?.notBefore : undefined;
  return expiryOf({ issuedAt: d.issuedAt ?? notBefore, notBefore, expiresAt: d.expiresAt }, now, options);
}
