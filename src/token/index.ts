// The public API of token/: pure functions on strings and bytes.
export * from './types';
export { decodeToken, looksLikeJwt } from './jwt';
export { normalizeToken } from './normalizeToken';
export { readClaims, LEGACY_ISSUER } from './claims';
export { fingerprint } from './fingerprint';
export {
  DEFAULT_EXPIRY_OPTIONS,
  expiryOf,
  tokenExpiry,
  certificateExpiry,
  nextStateChange,
  stateSeverityRank,
  type ExpiryTimes,
} from './expiry';
export { kubeletRefreshPoint, isRefreshOverdue, requestedLifetime, type RefreshTimes } from './kubeletRefresh';
export { decodeCertificate, decodeCertificateBundle } from './certificate';
export { describeDuration, describeExpiry, formatInstant, type DurationStyle } from './relativeTime';
export { locateCredentials, credentialAt } from './locate';
