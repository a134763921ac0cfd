import type { CertificateInfo, CredentialState, DecodedToken, ExpiryInfo, ExpiryOptions } from './types';

export const DEFAULT_EXPIRY_OPTIONS: Readonly<ExpiryOptions> = Object.freeze({ windowSeconds: 24 * 3600, windowFraction: 0.2 });

export interface ExpiryTimes {
  issuedAtSec?: number;
  notBeforeSec?: number;
  expiresAtSec?: number;
  warnAfterSec?: number;
}

function finite(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function resolveOptions(options: Partial<ExpiryOptions> | undefined): ExpiryOptions {
  const windowSeconds = finite(options?.windowSeconds) ?? DEFAULT_EXPIRY_OPTIONS.windowSeconds;
  const windowFraction = finite(options?.windowFraction) ?? DEFAULT_EXPIRY_OPTIONS.windowFraction;
  return { windowSeconds: Math.max(0, windowSeconds), windowFraction: Math.min(1, Math.max(0, windowFraction)) };
}

/**
 * The state of a credential at `nowSeconds`. Every boundary belongs to the later state:
 * at exactly `exp` a token is expired (RFC 7519: "on or after"), at exactly `warnafter` it is stale.
 */
export function expiryOf(times: ExpiryTimes, nowSeconds: number, options?: Partial<ExpiryOptions>): ExpiryInfo {
  const opts = resolveOptions(options);
  const issuedAt = finite(times.issuedAtSec);
  const notBefore = finite(times.notBeforeSec);
  const expiresAt = finite(times.expiresAtSec);
  const warnAfter = finite(times.warnAfterSec);
  const start = issuedAt ?? notBefore;
  const lifetime = expiresAt !== undefined && start !== undefined && expiresAt > start ? expiresAt - start : undefined;
  const window = lifetime === undefined ? opts.windowSeconds : Math.min(opts.windowSeconds, lifetime * opts.windowFraction);
  const expiringFrom = expiresAt === undefined ? undefined : Math.floor(expiresAt - window);

  const info: ExpiryInfo = { state: 'valid' };
  if (issuedAt !== undefined) info.issuedAt = issuedAt;
  if (notBefore !== undefined) info.notBefore = notBefore;
  if (expiresAt !== undefined) info.expiresAt = expiresAt;
  if (warnAfter !== undefined) info.warnAfter = warnAfter;
  if (lifetime !== undefined) info.lifetimeSeconds = lifetime;
  if (expiresAt !== undefined) info.secondsLeft = expiresAt - nowSeconds;
  if (expiringFrom !== undefined) info.expiringFrom = expiringFrom;

  info.state = stateAt(nowSeconds, notBefore, expiresAt, warnAfter, expiringFrom);
  return info;
}

function stateAt(
  now: number,
  notBefore: number | undefined,
  expiresAt: number | undefined,
  warnAfter: number | undefined,
  expiringFrom: number | undefined,
): CredentialState {
  if (!Number.isFinite(now)) return expiresAt === undefined ? 'noExpiry' : 'valid';
  if (notBefore !== undefined && now < notBefore) return 'notYetValid';
  if (expiresAt === undefined) return 'noExpiry';
  if (now >= expiresAt) return 'expired';
  if (warnAfter !== undefined && now >= warnAfter) return 'stale';
  if (expiringFrom !== undefined && now >= expiringFrom) return 'expiring';
  return 'valid';
}

export function tokenExpiry(token: DecodedToken, nowSeconds: number, options?: Partial<ExpiryOptions>): ExpiryInfo {
  const c = token.claims;
  return expiryOf({ issuedAtSec: c.iat, notBeforeSec: c.nbf, expiresAtSec: c.exp, warnAfterSec: c.kubernetes?.warnAfter }, nowSeconds, options);
}

export function certificateExpiry(cert: CertificateInfo, nowSeconds: number, options?: Partial<ExpiryOptions>): ExpiryInfo {
  return expiryOf({ issuedAtSec: cert.notBeforeSec, notBeforeSec: cert.notBeforeSec, expiresAtSec: cert.notAfterSec }, nowSeconds, options);
}

/**
 * The epoch second at which `info.state` next changes, or undefined when it never will
 * (expired, no expiry). Evaluating `expiryOf` at that second gives the new state.
 */
export function nextStateChange(info: ExpiryInfo): number | undefined {
  const candidates: (number | undefined)[] = [];
  switch (info.state) {
    case 'notYetValid':
      candidates.push(info.notBefore);
      break;
    case 'valid':
      candidates.push(info.expiringFrom, info.warnAfter, info.expiresAt);
      break;
    case 'expiring':
      candidates.push(info.warnAfter, info.expiresAt);
      break;
    case 'stale':
      candidates.push(info.expiresAt);
      break;
    case 'expired':
    case 'noExpiry':
      return undefined;
  }
  // Thresholds already behind `now` (a warnafter before the expiring window) are not changes.
  const now = info.expiresAt !== undefined && info.secondsLeft !== undefined ? info.expiresAt - info.secondsLeft : undefined;
  const ahead = candidates.filter((c): c is number => c !== undefined && (now === undefined || c > now));
  return ahead.length === 0 ? undefined : Math.min(...ahead);
}

const SEVERITY: Record<CredentialState, number> = {
  expired: 5,
  stale: 4,
  expiring: 3,
  notYetValid: 2,
  noExpiry: 1,
  valid: 0,
};

/** Higher is worse: sort descending for worst-first (expired > stale > expiring > notYetValid > noExpiry > valid). */
export function stateSeverityRank(state: CredentialState): number {
  return SEVERITY[state] ?? 0;
}
