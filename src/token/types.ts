// Types that cross the token/ boundary. token/ is pure: no vscode, no network.

/** A name and uid pair as Kubernetes puts them in the `kubernetes.io` claim. */
export interface ObjectRef {
  name: string;
  uid?: string;
}

/** The `kubernetes.io` private claim of a bound service-account token (and the flat legacy claims, normalised). */
export interface KubernetesClaim {
  namespace?: string;
  serviceAccount?: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** Seconds since the epoch: after this the kubelet should have replaced the token (extended 1-year tokens). */
  warnAfter?: number;
}

/** The claims we read, typed; `raw` keeps every claim for display. */
export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud: string[];
  exp?: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  kubernetes?: KubernetesClaim;
  /** True for a legacy Secret-based token (`iss: kubernetes/serviceaccount`, flat claims, no exp). */
  legacy: boolean;
  raw: Record<string, unknown>;
}

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: TokenClaims;
  /** sha256 of the raw token, hex, first 16 characters: safe to log and to store. */
  fingerprint: string;
}

export type DecodeResult = { ok: true; token: DecodedToken } | { ok: false; reason: string };

/**
 * valid: well inside its lifetime; expiring: inside the warning window; stale: past `warnafter`
 * (still accepted, but a kubelet-refreshed token should have been replaced); expired: past `exp`;
 * noExpiry: no `exp` at all (legacy Secret tokens); notYetValid: before `nbf`/not-before.
 */
export type CredentialState = 'valid' | 'expiring' | 'stale' | 'expired' | 'noExpiry' | 'notYetValid';

export interface ExpiryOptions {
  /** Absolute warning window in seconds (default 24 h). */
  windowSeconds: number;
  /** Fraction of the lifetime that also bounds the window (default 0.2); the smaller of the two wins. */
  windowFraction: number;
}

export interface ExpiryInfo {
  state: CredentialState;
  /** These four and `expiringFrom`: seconds since the epoch, when known. */
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  warnAfter?: number;
  /** exp - iat (or notAfter - notBefore) in seconds, when both are known. */
  lifetimeSeconds?: number;
  /** expiresAt - now in seconds; negative once expired. */
  secondsLeft?: number;
  /** The moment the state becomes `expiring`, when there is one. */
  expiringFrom?: number;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Common name of the subject, when there is one. */
  commonName?: string;
  /** Organisations of the subject (Kubernetes groups for client certificates). */
  organizations: string[];
  notBeforeSec: number;
  notAfterSec: number;
  serialNumber: string;
  isCA: boolean;
  /** sha256 fingerprint as node prints it (colon-separated hex). */
  fingerprint256: string;
}

export type CertificateResult = { ok: true; certificate: CertificateInfo } | { ok: false; reason: string };

/** What kind of credential a located value is. */
export type LocatedKind =
  | 'jwt' // a raw JWT in a scalar (kubeconfig token, id-token, manifests)
  | 'base64Jwt' // base64 of a JWT (Secret data.token)
  | 'eksToken' // `k8s-aws-v1.` and a presigned STS URL (aws eks get-token, aws-iam-authenticator)
  | 'certificate' // client-certificate-data, certificate-authority-data, ca.crt, PEM in a scalar
  | 'privateKey'; // client-key-data and friends: never decoded, never shown

/** A credential found in a document, with the exact range of its value (offsets into the text). */
export interface LocatedCredential {
  kind: LocatedKind;
  /** Offset of the value's first character in the document text. */
  start: number;
  /** Offset just past the value's last character. */
  end: number;
  /** Dotted path to the value, e.g. `users[0].user.token` or `data.token`. */
  path: string;
  /** The key that holds it (`token`, `client-certificate-data`, ...), when it sits under a key. */
  key?: string;
  /** The decoded text (the JWT itself for base64Jwt, the PEM for base64 certificates, the token for eksToken); absent for privateKey. */
  value?: string;
  /** True when the document looks like a Secret of type kubernetes.io/service-account-token. */
  inServiceAccountTokenSecret?: boolean;
  /** Which document of a multi-document stream holds it (0-based); set by locateCredentials. */
  documentIndex?: number;
}
