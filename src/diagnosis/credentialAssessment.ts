// Rules for one credential found in a document: what it is, its state, and the one-line warning it deserves.
import { decodeCertificateBundle } from '../token/certificate';
import { certificateExpiry, tokenExpiry } from '../token/expiry';
import { fingerprint } from '../token/fingerprint';
import { decodeToken, looksLikeJwt } from '../token/jwt';
import { kubeletRefreshPoint } from '../token/kubeletRefresh';
import { describeExpiry, formatInstant } from '../token/relativeTime';
import type {
  CertificateInfo,
  DecodedToken,
  ExpiryInfo,
  ExpiryOptions,
  LocatedCredential,
} from '../token/types';
import { severityOfState, type Severity } from './severity';

export type Assessment =
  | {
      kind: 'token';
      located: LocatedCredential;
      token: DecodedToken;
      expiry: ExpiryInfo;
      /** When the kubelet should have refreshed it, for tokens bound to a pod. */
      refreshDue?: number;
      severity?: Severity;
      warning?: string;
    }
  | {
      kind: 'certificate';
      located: LocatedCredential;
      /** The first certificate decides the state; a CA bundle may hold more. */
      certificates: CertificateInfo[];
      expiry: ExpiryInfo;
      severity?: Severity;
      warning?: string;
    }
  | { kind: 'privateKey'; located: LocatedCredential }
  /** A bearer token that is not a JWT (a static token file entry, a bootstrap token): nothing to decode. */
  | { kind: 'opaque'; located: LocatedCredential; fingerprint: string }
  | { kind: 'invalid'; located: LocatedCredential; reason: string };

export function assessCredential(
  located: LocatedCredential,
  nowSeconds: number,
  options?: Partial<ExpiryOptions>,
): Assessment {
  if (located.kind === 'privateKey') return { kind: 'privateKey', located };
  const value = located.value ?? '';
  if (located.kind === 'certificate') {
    const results = decodeCertificateBundle(value);
    const certificates: CertificateInfo[] = [];
    for (const r of results) if (r.ok) certificates.push(r.certificate);
    const first = certificates[0];
    if (!first) {
      const failed = results.find((r) => !r.ok);
      return { kind: 'invalid', located, reason: failed && !failed.ok ? failed.reason : 'no certificate found' };
    }
    const expiry = certificateExpiry(first, nowSeconds, options);
    return { kind: 'certificate', located, certificates, expiry, ...certificateWarning(first, expiry, nowSeconds) };
  }
  if (!looksLikeJwt(value) && !value.startsWith('eyJ')) return { kind: 'opaque', located, fingerprint: fingerprint(value) };
  const decoded = decodeToken(value);
  if (!decoded.ok) return { kind: 'invalid', located, reason: decoded.reason };
  const token = decoded.token;
  const expiry = tokenExpiry(token, nowSeconds, options);
  const refreshDue = refreshPointOf(token);
  // A token copied into a file is a snapshot: its refresh point is shown, not warned about.
  return { kind: 'token', located, token, expiry, refreshDue, ...tokenWarning(token, expiry, nowSeconds) };
}

function refreshPointOf(token: DecodedToken): number | undefined {
  const { iat, exp, kubernetes } = token.claims;
  if (iat === undefined || exp === undefined || !kubernetes?.pod) return undefined;
  return kubeletRefreshPoint({ issuedAt: iat, expiresAt: exp, warnAfter: kubernetes.warnAfter });
}

function tokenWarning(
  token: DecodedToken,
  expiry: ExpiryInfo,
  now: number,
): { severity?: Severity; warning?: string } {
  const severity = severityOfState(expiry.state);
  const when = describeExpiry(expiry, now, 'long');
  switch (expiry.state) {
    case 'expired':
      return { severity, warning: `Token ${when}: the API server answers 401 Unauthorized to it.` };
    case 'expiring':
      return { severity, warning: `Token ${when}: whatever uses it must get a new one before then.` };
    case 'stale':
      return {
        severity,
        warning: `Past its warnafter time (${formatInstant(expiry.warnAfter ?? now).utc}): still accepted, but the kubelet should have replaced it; a workload still sending it is not re-reading its token file.`,
      };
    case 'notYetValid':
      return { severity, warning: `Not valid yet (${when}): check the clocks of the issuer and this machine.` };
    case 'noExpiry':
      return {
        severity,
        warning: token.claims.legacy
          ? 'Legacy Secret-based token with no expiry: it works until its Secret is deleted; prefer a short-lived token from the TokenRequest API.'
          : 'This token has no expiry.',
      };
    case 'valid':
      return {};
  }
}

function certificateWarning(
  cert: CertificateInfo,
  expiry: ExpiryInfo,
  now: number,
): { severity?: Severity; warning?: string } {
  const severity = severityOfState(expiry.state);
  const what = cert.isCA ? 'CA certificate' : 'Certificate';
  const when = describeExpiry(expiry, now, 'long');
  switch (expiry.state) {
    case 'expired':
      return { severity, warning: `${what} ${when}: TLS fails with "x509: certificate has expired or is not yet valid".` };
    case 'expiring':
      return { severity, warning: `${what} ${when}: renew it before then.` };
    case 'notYetValid':
      return { severity, warning: `${what} is not valid yet (${when}).` };
    default:
      return {};
  }
}
