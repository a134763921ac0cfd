// Time rules the explorer shows: when the kubelet should have refreshed a projected token, whether a
// live token is past that point, and the state of the context's own credential.
import { expiryOf, tokenExpiry } from '../../token/expiry';
import { isRefreshOverdue, kubeletRefreshPoint, requestedLifetime } from '../../token/kubeletRefresh';
import type { DecodedToken, ExpiryInfo, ExpiryOptions } from '../../token/types';
import type { CredentialDescription } from '../auth/credentialDescription';
import type { ProjectedTokenMount } from './types';

const MAX_TTL_SECONDS = 24 * 3600;

export interface MountSchedule {
  /** Seconds between two refreshes of this file by a healthy kubelet. */
  periodSeconds: number;
  /** When the token now in the file should have been written (the latest refresh due by now). */
  lastRefreshAtSec: number;
  nextRefreshAtSec: number;
  /** Refreshes the kubelet should have made since the pod started. */
  refreshesSinceStart: number;
}

/** From the pod's start alone (no token read): the refreshes a healthy kubelet should have made by `nowSec`. */
export function mountSchedule(mount: ProjectedTokenMount, startedAtSec: number, nowSec: number): MountSchedule {
  const issuedAt = startedAtSec;
  const due = kubeletRefreshPoint({ issuedAt, expiresAt: issuedAt + mount.expirationSeconds });
  const period = Math.max(1, Math.min(MAX_TTL_SECONDS, due - issuedAt));
  const n = nowSec > startedAtSec ? Math.floor((nowSec - startedAtSec) / period) : 0;
  return { periodSeconds: period, lastRefreshAtSec: startedAtSec + n * period, nextRefreshAtSec: startedAtSec + (n + 1) * period, refreshesSinceStart: n };
}

export interface LiveTokenTiming {
  expiry: ExpiryInfo;
  /** When the kubelet should replace this token; only for tokens bound to a pod. */
  refreshDueSec?: number;
  /** True when the token is past that point and its grace (isRefreshOverdue, as the diagnosis judges it). */
  refreshOverdue: boolean;
  /** The lifetime the kubelet asked for (differs from exp - iat for extended tokens). */
  requestedSeconds?: number;
}

export function liveTokenTiming(token: DecodedToken, nowSec: number, options?: Partial<ExpiryOptions>): LiveTokenTiming {
  const expiry = tokenExpiry(token, nowSec, options);
  const { iat, exp, kubernetes } = token.claims;
  if (iat === undefined || exp === undefined || !kubernetes?.pod) return { expiry, refreshOverdue: false };
  const times = { issuedAt: iat, expiresAt: exp, warnAfter: kubernetes.warnAfter };
  const refreshDue = kubeletRefreshPoint(times);
  return { expiry, refreshDueSec: refreshDue, refreshOverdue: isRefreshOverdue(times, nowSec), requestedSeconds: requestedLifetime(times) };
}

/** The context credential's state, when its expiry (or at least its kind) is known. */
export function credentialExpiry(d: CredentialDescription, nowSec: number, options?: Partial<ExpiryOptions>): ExpiryInfo {
  const notBefore = d.expirySource === 'certificate' ? d.clientCertificate?.notBeforeSec : undefined;
  return expiryOf({ issuedAtSec: d.issuedAtSec ?? notBefore, notBeforeSec: notBefore, expiresAtSec: d.expiresAtSec }, nowSec, options);
}
