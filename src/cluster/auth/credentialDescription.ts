// What kind of credential a kubeconfig context uses, and when it expires where that can be known without a request.
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { ignoredTokenFileMessage } from '../../diagnosis/kubeconfigKeys';
import { decodeCertificate } from '../../token/certificate';
import { decodeEksToken, isEksToken } from '../../token/eksToken';
import { decodeToken } from '../../token/jwt';
import { fingerprint as fingerprintOf } from '../../token/fingerprint';
import { tokenIdentity, type TokenIdentity } from '../../token/identity';
import { isRecord } from '../../shared/values';

export type CredentialKind = 'token' | 'tokenFile' | 'exec' | 'authProvider' | 'clientCertificate' | 'basicAuth' | 'none';

export interface ExecSpec {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion?: string;
  installHint?: string;
  interactiveMode?: string;
  provideClusterInfo: boolean;
}

export interface AuthProviderInfo {
  name: string;
  idpIssuerUrl?: string;
  clientId?: string;
  hasIdToken: boolean;
  hasRefreshToken: boolean;
}

export interface ClientCertificateInfo {
  source: 'data' | 'file' | 'exec';
  file?: string;
  commonName?: string;
  organizations: string[];
  notBeforeSec?: number;
  notAfterSec?: number;
  /** Why the certificate could not be read, when it could not. */
  problem?: string;
}

/** Where the expiry was read: a JWT's exp, a certificate's notAfter, an exec plugin's expirationTimestamp, an EKS token's X-Amz-Date + 15 min. */
export type ExpirySource = 'jwt' | 'certificate' | 'exec' | 'eksToken';

export interface CredentialDescription {
  context: string;
  user?: string;
  kind: CredentialKind;
  /** Seconds since the epoch. */
  expiresAtSec?: number;
  issuedAtSec?: number;
  expirySource?: ExpirySource;
  /** Fingerprint of the bearer token in use, when one is known. Never the token itself. */
  fingerprint?: string;
  tokenFile?: string;
  exec?: ExecSpec;
  authProvider?: AuthProviderInfo;
  /** Present whenever the user has a client certificate, even next to a token. */
  clientCertificate?: ClientCertificateInfo;
  username?: string;
  impersonate?: string;
  /** Who a decoded JWT names (an Entra ID or OIDC user, a service account); never the token. */
  identity?: TokenIdentity;
  /** An exec plugin's token that is neither a JWT nor an EKS token (GKE's `ya29.` access token): not decodable. */
  opaqueToken?: boolean;
  /** A sentence when something about the credential could not be read. */
  problem?: string;
  /**
   * The exec plugin's last run failed or was cancelled and it runs again only on Sign In or Reload Credentials:
   * `problem` then says so in the display language, so this is what to test rather than its words.
   */
  loginNeeded?: true;
}

/** What a CredentialProvider has seen at run time: a token read from a file, an exec plugin's answer. */
export interface CredentialObservation {
  token?: string;
  /** `obtainedAtSec`: when the plugin answered, the start of the credential's lifetime when its token does not say. */
  exec?: { expiresAtSec?: number; token?: string; certificatePem?: string; obtainedAtSec?: number };
}

// The same sentence as the Problems entry: the key looks right, works in client-node, and kubectl ignores it.
export { ignoredTokenFileMessage };

// client-node keeps only the fields it knows, so the users whose `token-file` was dropped are remembered per KubeConfig.
const ignoredTokenFileUsers = new WeakMap<KubeConfig, Set<string>>();

/** Records that `user` in `kc` had a `token-file` key, dropped as kubectl drops it. */
export function noteIgnoredTokenFileKey(kc: KubeConfig, user: string): void {
  const users = ignoredTokenFileUsers.get(kc) ?? new Set<string>();
  users.add(user);
  ignoredTokenFileUsers.set(kc, users);
}

/** Never throws; reads a token file or certificate file from disk unless `observed` already holds the token. */
export function describeCredential(kc: KubeConfig, context: string, observed: CredentialObservation = {}): CredentialDescription {
  const ctx = kc.getContextObject(context);
  if (!ctx) {
    return { context, kind: 'none', problem: l10n.t('the context "{0}" is not in the kubeconfig; pick another context', context) };
  }
  const user = kc.getUser(ctx.user);
  if (!user) {
    return {
      context,
      user: ctx.user,
      kind: 'none',
      problem: l10n.t('the user "{0}" of context "{1}" is not defined in the kubeconfig, so requests carry no credential', ctx.user, context),
    };
  }
  const out = describeUser(context, user, observed);
  if (ignoredTokenFileUsers.get(kc)?.has(user.name)) {
    out.problem = out.problem === undefined ? ignoredTokenFileMessage() : l10n.t('{0}; {1}', out.problem, ignoredTokenFileMessage());
  }
  return out;
}

function describeUser(context: string, user: User, observed: CredentialObservation): CredentialDescription {
  const out: CredentialDescription = { context, user: user.name, kind: 'none' };
  if (user.impersonateUser) out.impersonate = user.impersonateUser;
  const cert = describeClientCertificate(user);
  if (cert) out.clientCertificate = cert;

  const exec = execSpecOf(user);
  const provider = isRecord(user.authProvider) ? user.authProvider : undefined;
  const providerConfig = provider && isRecord(provider.config) ? provider.config : {};
  out.kind = credentialKindOf(user);
  if (out.kind === 'exec' && exec) {
    out.exec = exec;
    const seen = observed.exec;
    if (seen?.expiresAtSec !== undefined) {
      out.expiresAtSec = seen.expiresAtSec;
      out.expirySource = 'exec';
    }
    if (seen?.token) applyJwt(out, seen.token, seen.expiresAtSec === undefined);
    // An opaque token (GKE's) says nothing of its issue: its lifetime is counted from the plugin's answer, so a
    // one-hour token is not "expiring" for the whole hour under the 24-hour window meant for long-lived ones.
    if (out.issuedAtSec === undefined && seen?.obtainedAtSec !== undefined && out.expiresAtSec !== undefined) out.issuedAtSec = seen.obtainedAtSec;
    if (seen?.certificatePem) {
      const c = decodeCertificate(seen.certificatePem);
      if (c.ok) {
        out.clientCertificate = {
          source: 'exec',
          commonName: c.certificate.commonName,
          organizations: c.certificate.organizations,
          notBeforeSec: c.certificate.notBeforeSec,
          notAfterSec: c.certificate.notAfterSec,
        };
        if (out.expiresAtSec === undefined) Object.assign(out, { expiresAtSec: c.certificate.notAfterSec, expirySource: 'certificate' });
      }
    }
  } else if (out.kind === 'tokenFile' && typeof providerConfig.tokenFile === 'string') {
    out.tokenFile = providerConfig.tokenFile;
    const token = observed.token ?? readTokenFile(providerConfig.tokenFile, out);
    if (token) applyJwt(out, token, true);
  } else if (out.kind === 'authProvider' && provider) {
    const idToken = stringOr(providerConfig['id-token']);
    out.authProvider = {
      name: typeof provider.name === 'string' ? provider.name : 'unknown',
      idpIssuerUrl: stringOr(providerConfig['idp-issuer-url']),
      clientId: stringOr(providerConfig['client-id']),
      hasIdToken: idToken !== undefined,
      hasRefreshToken: stringOr(providerConfig['refresh-token']) !== undefined,
    };
    const bearer = idToken ?? stringOr(providerConfig['access-token']);
    if (bearer) applyJwt(out, bearer, true);
    if (out.expiresAtSec === undefined) applyProviderExpiry(out, providerConfig);
  } else if (out.kind === 'token' && user.token) {
    applyJwt(out, user.token, true);
  } else if (out.kind === 'basicAuth') {
    out.username = user.username;
  } else if (out.kind === 'clientCertificate' && cert) {
    if (cert.notAfterSec !== undefined) Object.assign(out, { expiresAtSec: cert.notAfterSec, expirySource: 'certificate' });
    if (cert.problem) out.problem = cert.problem;
  }
  return out;
}

/**
 * Which credential wins when a user has several, in the order client-go applies them: a token (from a file or
 * inline) or a user name first, as the exec plugin and the auth-provider step aside for an Authorization already
 * set; an exec plugin is not run next to a client certificate.
 */
export function credentialKindOf(user: User): CredentialKind {
  if (isRecord(user.authProvider) && user.authProvider.name === 'tokenFile' && isRecord(user.authProvider.config)) {
    if (typeof user.authProvider.config.tokenFile === 'string') return 'tokenFile';
  }
  if (user.token) return 'token';
  if (user.username) return 'basicAuth';
  const cert = Boolean(user.certData || user.certFile);
  if (execSpecOf(user)) return cert ? 'clientCertificate' : 'exec';
  if (isRecord(user.authProvider)) return 'authProvider';
  return cert ? 'clientCertificate' : 'none';
}

/** client-node keeps exec either under `user.exec` or, in old kubeconfigs, under an `exec` auth-provider. */
export function execSpecOf(user: User): ExecSpec | undefined {
  const raw: unknown = user.exec ?? (isRecord(user.authProvider) && isRecord(user.authProvider.config) ? user.authProvider.config.exec : undefined);
  if (!isRecord(raw) || typeof raw.command !== 'string' || raw.command === '') return undefined;
  const args = Array.isArray(raw.args) ? raw.args.filter((a): a is string => typeof a === 'string') : [];
  const env = Array.isArray(raw.env)
    ? raw.env.filter(isRecord).flatMap((e) => (typeof e.name === 'string' ? [{ name: e.name, value: typeof e.value === 'string' ? e.value : '' }] : []))
    : [];
  return {
    command: raw.command,
    args,
    env,
    apiVersion: stringOr(raw.apiVersion),
    installHint: stringOr(raw.installHint),
    interactiveMode: stringOr(raw.interactiveMode),
    provideClusterInfo: raw.provideClusterInfo === true,
  };
}

function applyJwt(out: CredentialDescription, token: string, useExpiry: boolean): void {
  // An EKS token is a presigned STS URL: signed at X-Amz-Date, valid 15 minutes after.
  if (isEksToken(token)) {
    const eks = decodeEksToken(token);
    if (!eks.ok) return;
    out.fingerprint = eks.token.fingerprint;
    out.issuedAtSec = eks.token.issuedAt;
    if (useExpiry) Object.assign(out, { expiresAtSec: eks.token.expiresAt, expirySource: 'eksToken' });
    return;
  }
  const decoded = decodeToken(token);
  if (!decoded.ok) {
    // An access token that is not a JWT (GKE's ya29.…) says nothing about itself: only its fingerprint is kept.
    if (out.kind === 'exec') Object.assign(out, { opaqueToken: true, fingerprint: fingerprintOf(token) });
    return;
  }
  out.fingerprint = decoded.token.fingerprint;
  const identity = tokenIdentity(decoded.token.claims);
  if (identity !== undefined) out.identity = identity;
  if (decoded.token.claims.iat !== undefined) out.issuedAtSec = decoded.token.claims.iat;
  if (useExpiry && decoded.token.claims.exp !== undefined) {
    out.expiresAtSec = decoded.token.claims.exp;
    out.expirySource = 'jwt';
  }
}

/** gcp keeps an RFC 3339 `expiry`, azure a Unix `expires-on`. */
function applyProviderExpiry(out: CredentialDescription, config: Record<string, unknown>): void {
  const expiry = stringOr(config.expiry);
  const parsed = expiry ? Date.parse(expiry) : NaN;
  const expiresOn = Number(stringOr(config['expires-on']) ?? NaN);
  const seconds = Number.isFinite(parsed) ? Math.floor(parsed / 1000) : Number.isFinite(expiresOn) ? expiresOn : undefined;
  if (seconds !== undefined) Object.assign(out, { expiresAtSec: seconds, expirySource: 'jwt' });
}

function readTokenFile(file: string, out: CredentialDescription): string | undefined {
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token === '') out.problem = l10n.t('the token file {0} is empty', file);
    return token || undefined;
  } catch (err) {
    const code = isRecord(err) && typeof err.code === 'string' ? err.code : l10n.t('unknown error');
    out.problem = l10n.t('the token file {0} cannot be read ({1})', file, code);
    return undefined;
  }
}

function describeClientCertificate(user: User): ClientCertificateInfo | undefined {
  let text: string | undefined;
  let source: ClientCertificateInfo['source'];
  if (user.certFile) {
    source = 'file';
    try {
      text = fs.readFileSync(user.certFile, 'utf8');
    } catch (err) {
      const code = isRecord(err) && typeof err.code === 'string' ? err.code : l10n.t('unknown error');
      return { source, file: user.certFile, organizations: [], problem: l10n.t('the client certificate {0} cannot be read ({1})', user.certFile, code) };
    }
  } else if (user.certData) {
    source = 'data';
    text = user.certData;
  } else {
    return undefined;
  }
  const decoded = decodeCertificate(text);
  const base: ClientCertificateInfo = { source, organizations: [] };
  if (user.certFile) base.file = user.certFile;
  if (!decoded.ok) return { ...base, problem: l10n.t('the client certificate cannot be read: {0}', decoded.reason) };
  const c = decoded.certificate;
  return { ...base, commonName: c.commonName, organizations: c.organizations, notBeforeSec: c.notBeforeSec, notAfterSec: c.notAfterSec };
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
