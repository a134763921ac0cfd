// Rules for one credential found in a document: what it is, its state, and the one-line warning it deserves.
import * as l10n from '@vscode/l10n';
import { decodeCertificateBundle } from '../token/certificate';
import { detachedCopy } from '../token/detachedCopy';
import { decodeEksToken, isEksToken, type EksToken } from '../token/eksToken';
import { certificateExpiry, expiryOf, nextStateChange, tokenExpiry } from '../token/expiry';
import { fingerprint } from '../token/fingerprint';
import { decodeToken, looksLikeJwt } from '../token/jwt';
import { kubeletRefreshPoint } from '../token/kubeletRefresh';
import { describeExpiry } from '../token/relativeTime';
import { staleMeaning } from '../token/staleness';
import type { CertificateInfo, DecodedToken, ExpiryInfo, ExpiryOptions, LocatedCredential } from '../token/types';
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
  | {
      /** An EKS token: a presigned STS URL, valid 15 minutes after it was signed. */
      kind: 'eksToken';
      located: LocatedCredential;
      token: EksToken;
      expiry: ExpiryInfo;
      severity?: Severity;
      warning?: string;
    }
  | { kind: 'privateKey'; located: LocatedCredential }
  /** A bearer token that is not a JWT (a static token file entry, a bootstrap token): nothing to decode. */
  | { kind: 'opaque'; located: LocatedCredential; fingerprint: string }
  | { kind: 'invalid'; located: LocatedCredential; reason: string };

/** What a value decodes to: the same at every moment, so it is decoded once and kept by value. */
type Decoded =
  | { kind: 'certificate'; certificates: CertificateInfo[]; first: CertificateInfo }
  | { kind: 'token'; token: DecodedToken; refreshDue: number | undefined }
  | { kind: 'eksToken'; token: EksToken }
  | { kind: 'opaque'; fingerprint: string }
  | { kind: 'invalid'; reason: string };

/** Enough for the 20,000 tokens of a very large document and then some; the oldest entries go first. */
const DECODED_LIMIT = 50_000;
const decodedCertificates = new Map<string, Decoded>();
const decodedTokens = new Map<string, Decoded>();

function decodeCertificateValue(value: string): Decoded {
  const results = decodeCertificateBundle(value);
  const certificates: CertificateInfo[] = [];
  for (const r of results) if (r.ok) certificates.push(r.certificate);
  const first = certificates[0];
  if (first) return { kind: 'certificate', certificates, first };
  const failed = results.find((r) => !r.ok);
  return { kind: 'invalid', reason: failed && !failed.ok ? failed.reason : l10n.t('no certificate found') };
}

function decodeTokenValue(value: string): Decoded {
  if (isEksToken(value)) {
    const eks = decodeEksToken(value);
    return eks.ok ? { kind: 'eksToken', token: eks.token } : { kind: 'invalid', reason: eks.reason };
  }
  if (!looksLikeJwt(value) && !value.startsWith('eyJ')) return { kind: 'opaque', fingerprint: fingerprint(value) };
  const decoded = decodeToken(value);
  if (!decoded.ok) return { kind: 'invalid', reason: decoded.reason };
  return { kind: 'token', token: decoded.token, refreshDue: refreshPointOf(decoded.token) };
}

function decodeOnce(cache: Map<string, Decoded>, value: string, decode: (value: string) => Decoded): Decoded {
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const decoded = decode(value);
  if (cache.size >= DECODED_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  // The value is usually a slice of a whole document: the key must not keep that document alive.
  cache.set(detachedCopy(value), decoded);
  return decoded;
}

export function assessCredential(located: LocatedCredential, nowSeconds: number, options?: Partial<ExpiryOptions>): Assessment {
  if (located.kind === 'privateKey') return { kind: 'privateKey', located };
  const value = located.value ?? '';
  const decoded =
    located.kind === 'certificate' ? decodeOnce(decodedCertificates, value, decodeCertificateValue) : decodeOnce(decodedTokens, value, decodeTokenValue);
  switch (decoded.kind) {
    case 'opaque':
      return { kind: 'opaque', located, fingerprint: decoded.fingerprint };
    case 'invalid':
      return { kind: 'invalid', located, reason: decoded.reason };
    case 'certificate': {
      const expiry = certificateExpiry(decoded.first, nowSeconds, options);
      return { kind: 'certificate', located, certificates: decoded.certificates, expiry, ...certificateWarning(decoded.first, expiry, nowSeconds) };
    }
    case 'token': {
      const { token, refreshDue } = decoded;
      const expiry = tokenExpiry(token, nowSeconds, options);
      // A token copied into a file is a snapshot: its refresh point is shown, not warned about.
      return { kind: 'token', located, token, expiry, refreshDue, ...tokenWarning(token, expiry, nowSeconds) };
    }
    case 'eksToken': {
      const { token } = decoded;
      const expiry = eksTokenExpiry(token, nowSeconds, options);
      return { kind: 'eksToken', located, token, expiry, ...eksTokenWarning(expiry, nowSeconds) };
    }
  }
}

/** Issued at X-Amz-Date, expired 15 minutes later (X-Amz-Expires plays no part). */
export function eksTokenExpiry(token: EksToken, nowSeconds: number, options?: Partial<ExpiryOptions>): ExpiryInfo {
  return expiryOf({ issuedAtSec: token.issuedAt, expiresAtSec: token.expiresAt }, nowSeconds, options);
}

/** States of an assessment that change with time alone. */
export function timedExpiry(a: Assessment): ExpiryInfo | undefined {
  return a.kind === 'token' || a.kind === 'certificate' || a.kind === 'eksToken' ? a.expiry : undefined;
}

/** How long an assessment's words ("expires in 42 min") may be reused, though its state has not changed. */
const REUSE_SECONDS = 60;

/** How far ahead of its expected place a credential of the last version is looked for. */
const LOOKAHEAD = 8;

/**
 * Assessments of the credentials of one document, kept per located credential: the incremental locator
 * hands back the same objects, in the same order, for the entries an edit did not touch, so re-diagnosing
 * after an edit assesses only what changed. An assessment is reused while its value is the same, its state
 * cannot have changed (before nextStateChange) and its words are less than a minute old. Call `begin`
 * before each version's credentials, and ask for them in document order: what that version no longer
 * holds is let go.
 * The last version is kept as two arrays walked in step with the new one, not as a Map or a WeakMap:
 * twenty thousand entries of a hash table per version cost more time than the walk, and their tables
 * fill the old generation, which makes the host's full garbage collections more frequent and longer.
 * A credential that is a new object of the same kind and value where the walk stands (a whole-document
 * parse on the worker thread made them all again) gets the last version's assessment, of itself.
 */
export class AssessmentCache {
  private previous: LocatedCredential[] = [];
  private previousKept: Kept[] = [];
  /** The version being assessed: its first `count` places. The arrays are reused, two versions on, not made anew. */
  private current: LocatedCredential[] = [];
  private currentKept: Kept[] = [];
  private count = 0;
  /** Where the next credential is expected in `previous`. */
  private cursor = 0;
  private optionsKey = '';

  /** Starts a version: the assessments of the last one are kept only for the credentials asked for again. */
  begin(options?: Partial<ExpiryOptions>): void {
    const key = JSON.stringify(options ?? {});
    const same = key === this.optionsKey;
    this.optionsKey = key;
    this.current.length = this.count;
    this.currentKept.length = this.count;
    const spare = this.previous;
    const spareKept = this.previousKept;
    if (same) {
      this.previous = this.current;
      this.previousKept = this.currentKept;
    } else {
      this.previous = [];
      this.previousKept = [];
    }
    // What the spare arrays still hold beyond `count` is cut off at the next `begin`.
    this.current = spare === this.previous ? [] : spare;
    this.currentKept = spareKept === this.previousKept ? [] : spareKept;
    this.count = 0;
    this.cursor = 0;
  }

  assess(located: LocatedCredential, nowSeconds: number, options?: Partial<ExpiryOptions>): Assessment {
    const hit = this.find(located);
    let kept: Kept;
    if (hit !== undefined && hit.kind === located.kind && hit.value === located.value && nowSeconds < hit.until) {
      kept = hit.assessment.located === located ? hit : { kind: hit.kind, value: hit.value, assessment: { ...hit.assessment, located }, until: hit.until };
    } else {
      const assessment = assessCredential(located, nowSeconds, options);
      const timed = timedExpiry(assessment);
      const change = timed !== undefined ? nextStateChange(timed) : undefined;
      kept = { kind: located.kind, value: located.value, assessment, until: Math.min(nowSeconds + REUSE_SECONDS, change ?? Infinity) };
    }
    this.current[this.count] = located;
    this.currentKept[this.count] = kept;
    this.count++;
    return kept.assessment;
  }

  /**
   * What the last version kept for this credential, looked for a few places past where the walk stands:
   * the same object, else one of the same kind and value (the same text located afresh).
   */
  private find(located: LocatedCredential): Kept | undefined {
    const previous = this.previous;
    const kept = this.previousKept;
    const from = this.cursor;
    const to = Math.min(previous.length, from + LOOKAHEAD);
    for (let i = from; i < to; i++) {
      if (previous[i] === located) {
        this.cursor = i + 1;
        return kept[i];
      }
    }
    if (located.value === undefined) return undefined;
    for (let i = from; i < to; i++) {
      const k = kept[i];
      if (k !== undefined && k.kind === located.kind && k.value === located.value) {
        this.cursor = i + 1;
        return k;
      }
    }
    return undefined;
  }
}

interface Kept {
  kind: LocatedCredential['kind'];
  value: string | undefined;
  assessment: Assessment;
  until: number;
}

function refreshPointOf(token: DecodedToken): number | undefined {
  const { iat, exp, kubernetes } = token.claims;
  if (iat === undefined || exp === undefined || !kubernetes?.pod) return undefined;
  return kubeletRefreshPoint({ issuedAt: iat, expiresAt: exp, warnAfter: kubernetes.warnAfter });
}

// Each sentence is one message, made flat by l10n.t: a template literal would make a chain of concatenations, and an
// assessment's words stay in memory.
function tokenWarning(token: DecodedToken, expiry: ExpiryInfo, now: number): { severity?: Severity; warning?: string } {
  const severity = severityOfState(expiry.state);
  const when = describeExpiry(expiry, now, 'long');
  switch (expiry.state) {
    case 'expired':
      return { severity, warning: l10n.t('Token {0}: the API server answers 401 Unauthorized to it.', when) };
    case 'expiring':
      return { severity, warning: l10n.t('Token {0}: whatever uses it must get a new one before then.', when) };
    case 'stale':
      return {
        severity,
        warning: l10n.t('Stale, {0}. A workload still sending it is not re-reading its token file.', staleMeaning(expiry.warnAfter ?? now)),
      };
    case 'notYetValid':
      return { severity, warning: l10n.t('Not valid yet ({0}): check the clocks of the issuer and this machine.', when) };
    case 'noExpiry':
      return {
        severity,
        warning: token.claims.legacy
          ? l10n.t('Legacy Secret-based token with no expiry: it works until its Secret is deleted; prefer a short-lived token from the TokenRequest API.')
          : l10n.t('This token has no expiry.'),
      };
    case 'valid':
      return {};
  }
}

function eksTokenWarning(expiry: ExpiryInfo, now: number): { severity?: Severity; warning?: string } {
  const severity = severityOfState(expiry.state);
  const when = describeExpiry(expiry, now, 'long');
  switch (expiry.state) {
    case 'expired':
      return { severity, warning: l10n.t('EKS token {0}: the API server answers 401 Unauthorized to it. Get a new one (aws eks get-token).', when) };
    case 'expiring':
      return { severity, warning: l10n.t('EKS token {0}: whatever uses it must get a new one before then.', when) };
    default:
      return {};
  }
}

function certificateWarning(cert: CertificateInfo, expiry: ExpiryInfo, now: number): { severity?: Severity; warning?: string } {
  const severity = severityOfState(expiry.state);
  const when = describeExpiry(expiry, now, 'long');
  switch (expiry.state) {
    case 'expired':
      return {
        severity,
        warning: cert.isCA
          ? l10n.t('CA certificate {0}: TLS fails with "x509: certificate has expired or is not yet valid".', when)
          : l10n.t('Certificate {0}: TLS fails with "x509: certificate has expired or is not yet valid".', when),
      };
    case 'expiring':
      return {
        severity,
        warning: cert.isCA ? l10n.t('CA certificate {0}: renew it before then.', when) : l10n.t('Certificate {0}: renew it before then.', when),
      };
    case 'notYetValid':
      return { severity, warning: cert.isCA ? l10n.t('CA certificate is not valid yet ({0}).', when) : l10n.t('Certificate is not valid yet ({0}).', when) };
    default:
      return {};
  }
}
