// Every context of the kubeconfig in force with its credential, described offline and ranked worst first:
// what kind it is, whom it speaks for, its state and time left. No request is made and no exec plugin is
// run: a plugin's credential is what it last answered in this process (execRuns), or "not run yet".
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { decodeCertificate } from '../../token/certificate';
import { decodeEksToken, isEksToken } from '../../token/eksToken';
import { expiryOf } from '../../token/expiry';
import { decodeToken } from '../../token/jwt';
import { describeExpiry } from '../../token/relativeTime';
import type { CredentialState, ExpiryOptions } from '../../token/types';
import { isRecord } from '../../shared/values';
import { describeCredential, noteIgnoredTokenFileKey, type CredentialDescription } from './credentialDescription';
import { recognizeExecPlugin, type RecognizedExecPlugin } from './execPlugins';
import { execRunKey, type ExecRunRecord, type ExecRuns } from './execRuns';
import type { ContextSummary, KubeconfigLoad } from './kubeconfig';
import type { NamedEntry } from './kubeconfigFiles';

export type LoadedKubeconfig = Extract<KubeconfigLoad, { ok: true }>;

/** What a context's credential is, read once per kubeconfig load. */
export interface ContextCredential {
  context: string;
  summary: ContextSummary;
  description: CredentialDescription;
  /** A few words: "AWS EKS token", "client certificate", "OIDC id-token", "token file". */
  kind: string;
  /** Whom it speaks for, in a few words: "kubernetes-admin (kubeadm, 1 year)", "alice@example.com", "prod-eu". */
  who?: string;
  /** The same in a sentence: an exec plugin's cluster, region and role; a certificate's whole subject. */
  whoLong?: string;
  issuer?: string;
  groups?: readonly string[];
  kubeadm: boolean;
  /** OIDC auth-provider: a refresh-token is there, so kubectl can renew an expired id-token. */
  hasRefreshToken?: boolean;
  exec?: { key: string; plugin: RecognizedExecPlugin };
}

/** Worst first: expired, a login needed or a credential that cannot be read, expiring, not known, fine. */
export type ContextCredentialState = CredentialState | 'loginNeeded' | 'problem' | 'unknown' | 'none';

export interface ContextCredentialRow {
  credential: ContextCredential;
  active: boolean;
  state: ContextCredentialState;
  /** "expires in 9 min", "expired 3 h ago", "login needed", "not run yet". */
  stateText: string;
  /** Words that follow the state on the row: "refresh token present". */
  extras: string[];
  /** A sentence for the tooltip when the row's words do not say it all. */
  note?: string;
  expiresAtSec?: number;
  issuedAtSec?: number;
  secondsLeft?: number;
  /** The plugin's last answer in this process, for exec credentials. */
  lastRun?: ExecRunRecord;
  /** 0 is the worst group (expired); rows of one group sort by time left, then name. */
  group: number;
}

const GROUP: Record<ContextCredentialState, number> = {
  expired: 0,
  loginNeeded: 1,
  problem: 1,
  expiring: 2,
  stale: 2,
  notYetValid: 2,
  unknown: 3,
  valid: 4,
  noExpiry: 4,
  none: 4,
};

const YEAR_SECONDS = 365 * 86400;
const DAY_SECONDS = 86400;

// Once per load: a kubeconfig of 10,000 contexts is described once, not on every redraw.
const described = new WeakMap<LoadedKubeconfig, readonly ContextCredential[]>();

/** Every context of `load`, described offline (token files and certificate files are read; nothing else). */
export function describeContexts(load: LoadedKubeconfig): readonly ContextCredential[] {
  const cached = described.get(load);
  if (cached) return cached;
  const users = load.users;
  const out = load.contexts.map((summary) => describeContext(summary, summary.user !== undefined ? users.get(summary.user) : undefined));
  described.set(load, out);
  return out;
}

/**
 * One row per context at `nowSec`, worst first. `active` is the session's own description of the active
 * context (it holds what its plugin answered); `runs` is read, never written, and no plugin is run.
 */
export function contextCredentialRows(
  load: LoadedKubeconfig,
  runs: Pick<ExecRuns, 'last'>,
  nowSec: number,
  options?: Partial<ExpiryOptions>,
  active?: { context: string; credential: CredentialDescription },
): ContextCredentialRow[] {
  const rows = describeContexts(load).map((c) => {
    const isActive = c.context === (active?.context ?? load.currentContext);
    const credential = isActive && active ? { ...c, description: active.credential } : c;
    return rowOf(credential, isActive, runs, nowSec, options);
  });
  return rows.sort(compareRows);
}

export function compareRows(a: ContextCredentialRow, b: ContextCredentialRow): number {
  if (a.group !== b.group) return a.group - b.group;
  const left = (a.secondsLeft ?? Infinity) - (b.secondsLeft ?? Infinity);
  if (left !== 0 && !Number.isNaN(left)) return left;
  const x = a.credential.context;
  const y = b.credential.context;
  return x < y ? -1 : x > y ? 1 : 0;
}

export type StatusBarContexts = 'all' | 'active';

/** The other contexts whose credential has expired or is inside the warning window, worst first; none for `active`. */
export function contextsNeedingAttention(rows: readonly ContextCredentialRow[], scope: StatusBarContexts): ContextCredentialRow[] {
  if (scope === 'active') return [];
  return rows.filter((r) => !r.active && (r.state === 'expired' || r.state === 'expiring' || r.state === 'stale'));
}

function rowOf(c: ContextCredential, active: boolean, runs: Pick<ExecRuns, 'last'>, nowSec: number, options?: Partial<ExpiryOptions>): ContextCredentialRow {
  const d = c.description;
  const row = (state: ContextCredentialState, stateText: string, extra: Partial<ContextCredentialRow> = {}): ContextCredentialRow => ({
    credential: c,
    active,
    state,
    stateText,
    extras: [],
    group: GROUP[state],
    ...extra,
  });
  const byExpiry = (expiresAtSec: number | undefined, issuedAtSec: number | undefined, extra: Partial<ContextCredentialRow> = {}): ContextCredentialRow => {
    const notBefore = d.expirySource === 'certificate' ? d.clientCertificate?.notBeforeSec : undefined;
    const info = expiryOf({ issuedAtSec: issuedAtSec ?? notBefore, notBeforeSec: notBefore, expiresAtSec }, nowSec, options);
    return row(info.state, describeExpiry(info, nowSec, 'short'), {
      ...(expiresAtSec !== undefined ? { expiresAtSec, secondsLeft: expiresAtSec - nowSec } : {}),
      ...(issuedAtSec !== undefined ? { issuedAtSec } : {}),
      ...extra,
    });
  };

  if (c.exec) {
    const last = runs.last(c.exec.key);
    const lastRun = last ? { lastRun: last } : {};
    if (last?.outcome === 'failed') return row('loginNeeded', l10n.t('login needed'), { ...lastRun, ...(last.message ? { note: last.message } : {}) });
    if (last?.outcome === 'cancelled') {
      return row('loginNeeded', l10n.t('login needed (cancelled)'), {
        ...lastRun,
        note: last.message ?? l10n.t('The login was cancelled; it runs again when you switch to this context or reload credentials.'),
      });
    }
    const expiresAtSec = d.expiresAtSec ?? last?.expiresAtSec;
    if (expiresAtSec !== undefined) {
      // An opaque token's lifetime counts from the plugin's answer (the token does not say when it was issued).
      const r = byExpiry(expiresAtSec, d.issuedAtSec ?? last?.issuedAtSec ?? (last !== undefined ? Math.floor(last.atMs / 1000) : undefined), lastRun);
      // Who the plugin's last token named (an Entra ID or OIDC user); an EKS or GKE token does not say.
      if (last?.identity !== undefined) r.extras.push(l10n.t('signed in as {0}', last.identity));
      if (active) return r;
      // Another context's plugin renews its token by itself when the context is next used: its last token running
      // out is not a problem to rank first or warn of, only what the row says.
      if (r.state === 'expired') {
        return {
          ...r,
          state: 'unknown',
          group: GROUP.unknown,
          stateText: l10n.t('last token {0}', r.stateText),
          note: l10n.t('The plugin asks for a new token when you switch to this context; it is not run in the background.'),
        };
      }
      return r.state === 'expiring' ? { ...r, state: 'valid', group: GROUP.valid } : r;
    }
    if (last) {
      return row('noExpiry', l10n.t('no expiry given: cached until a 401'), {
        ...lastRun,
        note: l10n.t('The plugin gave no expirationTimestamp, so its credential is used until the API server answers 401.'),
      });
    }
    return row('unknown', l10n.t('not run yet'), {
      note: active
        ? l10n.t('The plugin has not run yet: it runs on the first request to the cluster.')
        : l10n.t(
            'The plugin has not run since VS Code started: it runs when you switch to this context (plugins of other contexts never run in the background).',
          ),
    });
  }
  if (d.expiresAtSec !== undefined) {
    const r = byExpiry(d.expiresAtSec, d.issuedAtSec);
    if (c.hasRefreshToken !== undefined) r.extras.push(refreshTokenWords(c.hasRefreshToken));
    if (d.problem !== undefined) r.note = d.problem;
    return r;
  }
  if (d.problem !== undefined) return row('problem', d.problem);
  if (d.kind === 'none') {
    return c.summary.user === undefined ? row('none', l10n.t('anonymous: the context names no user')) : row('none', l10n.t('no credential'));
  }
  if ((d.kind === 'token' || d.kind === 'tokenFile') && d.fingerprint === undefined) {
    return row('unknown', l10n.t('expiry not readable (opaque token)'), { note: l10n.t('An opaque token carries no expiry that can be read offline.') });
  }
  if (d.kind === 'authProvider' && c.hasRefreshToken !== undefined) {
    return row('unknown', l10n.t('expiry not known'), { extras: [refreshTokenWords(c.hasRefreshToken)] });
  }
  return row('noExpiry', l10n.t('no expiry'));
}

function refreshTokenWords(present: boolean): string {
  return present ? l10n.t('refresh token present') : l10n.t('no refresh token');
}

function describeContext(summary: ContextSummary, entry: NamedEntry | undefined): ContextCredential {
  const raw = entry && isRecord(entry.user) ? entry.user : undefined;
  const kc = new KubeConfig();
  const users = entry && raw ? [clientUser(entry.name, raw)] : [];
  kc.loadFromOptions({
    clusters: [],
    users,
    contexts: [{ name: summary.name, cluster: summary.cluster, ...(summary.user !== undefined ? { user: summary.user } : {}) }],
    currentContext: summary.name,
  });
  if (entry && raw && raw['token-file'] !== undefined) noteIgnoredTokenFileKey(kc, entry.name);
  const d: CredentialDescription = summary.user === undefined ? { context: summary.name, kind: 'none' } : describeCredential(kc, summary.name);
  const out: ContextCredential = { context: summary.name, summary, description: d, kind: l10n.t('no credential'), kubeadm: false };
  const config = raw && isRecord(raw['auth-provider']) && isRecord(raw['auth-provider'].config) ? raw['auth-provider'].config : {};
  switch (d.kind) {
    case 'exec':
      if (d.exec && d.user !== undefined) {
        const plugin = recognizeExecPlugin(d.exec);
        out.exec = { key: execRunKey(d.user, d.exec), plugin };
        out.kind = plugin.label;
        // Who it speaks for, as far as the stanza says: the EKS cluster, the Entra ID tenant, the OIDC issuer.
        const who = plugin.cluster ?? (plugin.tenantId !== undefined ? l10n.t('tenant {0}', plugin.tenantId) : plugin.issuerUrl);
        if (who !== undefined) out.who = who;
        out.whoLong = plugin.description;
      }
      break;
    case 'clientCertificate':
      describeCertificate(out, raw);
      break;
    case 'token':
    case 'tokenFile':
      out.kind = d.kind === 'token' ? l10n.t('bearer token') : l10n.t('token file');
      describeBearer(out, d.kind === 'token' ? text(raw?.token) : readQuietly(d.tokenFile));
      break;
    case 'authProvider': {
      const name = d.authProvider?.name ?? 'unknown';
      out.kind = name === 'oidc' ? l10n.t('OIDC id-token') : l10n.t('{0} auth-provider', name);
      if (name === 'oidc') out.hasRefreshToken = d.authProvider?.hasRefreshToken ?? false;
      const idToken = text(config['id-token']);
      if (idToken !== undefined) describeBearer(out, idToken);
      else if (d.authProvider?.idpIssuerUrl !== undefined) out.issuer = d.authProvider.idpIssuerUrl;
      break;
    }
    case 'basicAuth':
      out.kind = l10n.t('basic auth');
      if (d.username !== undefined) out.who = d.username;
      break;
    case 'none':
      break;
  }
  return out;
}

/**
 * A kubeconfig user as client-node holds it, after kubectl's precedence: a token file, a token or a user name
 * leaves out the exec plugin and the auth-provider; a client certificate leaves out the exec plugin. Keys stay out.
 */
function clientUser(name: string, raw: Record<string, unknown>): User {
  const tokenFile = text(raw.tokenFile);
  const token = text(raw.token);
  const username = text(raw.username);
  const certData = text(raw['client-certificate-data']);
  const certFile = text(raw['client-certificate']);
  const impersonateUser = text(raw.as);
  const bearer = tokenFile !== undefined || token !== undefined || username !== undefined;
  const authProvider = tokenFile !== undefined ? { name: 'tokenFile', config: { tokenFile } } : bearer ? undefined : raw['auth-provider'];
  const exec = bearer || certData !== undefined || certFile !== undefined ? undefined : raw.exec;
  return {
    name,
    ...(token !== undefined ? { token } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(certData !== undefined ? { certData } : {}),
    ...(certFile !== undefined ? { certFile } : {}),
    ...(impersonateUser !== undefined ? { impersonateUser } : {}),
    ...(isRecord(authProvider) ? { authProvider } : {}),
    ...(isRecord(exec) ? { exec } : {}),
  };
}

function describeCertificate(out: ContextCredential, raw: Record<string, unknown> | undefined): void {
  out.kind = l10n.t('client certificate');
  const data = text(raw?.['client-certificate-data']);
  const file = text(raw?.['client-certificate']);
  const pem = data ?? readQuietly(file);
  const decoded = pem !== undefined ? decodeCertificate(pem) : undefined;
  if (!decoded?.ok) return;
  const c = decoded.certificate;
  const issuerName = commonNameOf(c.issuer);
  const lifetime = c.notAfterSec - c.notBeforeSec;
  // kubeadm signs its client certificates with the cluster CA ("kubernetes") for one year.
  out.kubeadm = issuerName === 'kubernetes' && Math.abs(lifetime - YEAR_SECONDS) <= DAY_SECONDS;
  const name = c.commonName ?? c.subject;
  out.who = out.kubeadm ? l10n.t('{0} (kubeadm, 1 year)', name) : name;
  out.whoLong = out.kubeadm ? l10n.t('{0}: kubeadm client certificate (1 year; renew with kubeadm certs renew)', c.subject) : c.subject;
  out.issuer = c.issuer;
  out.groups = c.organizations;
}

/** A JWT's subject (an OIDC id-token's email first) and issuer, or an EKS token's region; the token is not kept. */
function describeBearer(out: ContextCredential, token: string | undefined): void {
  if (token === undefined) return;
  if (isEksToken(token)) {
    const eks = decodeEksToken(token);
    out.kind = l10n.t('AWS EKS token');
    if (eks.ok) out.whoLong = l10n.t('AWS EKS token signed in {0} with access key {1}', eks.token.region, eks.token.accessKeyHint);
    return;
  }
  const decoded = decodeToken(token);
  if (!decoded.ok) return;
  const claims = decoded.token.claims;
  const email = text(claims.raw.email);
  const who = email ?? claims.sub;
  if (who !== undefined) out.who = who;
  if (email !== undefined && claims.sub !== undefined) out.whoLong = l10n.t('{0} (sub {1})', email, claims.sub);
  if (claims.iss !== undefined) out.issuer = claims.iss;
  const groups = claims.raw.groups;
  if (Array.isArray(groups)) out.groups = groups.filter((g): g is string => typeof g === 'string');
}

/** `CN=kubernetes, O=x` → `kubernetes`. */
function commonNameOf(name: string): string | undefined {
  for (const part of name.split(', ')) if (part.startsWith('CN=')) return part.slice(3);
  return undefined;
}

function readQuietly(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return text(fs.readFileSync(file, 'utf8').trim());
  } catch {
    // describeCredential already says why the file cannot be read.
    return undefined;
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
