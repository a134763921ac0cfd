// What the hover and the documents say about one assessed credential, as values: the markdown (hover,
// Decode Token) and the plain text (Request Token's document) are both written from it, so they say the
// same things. Pure: no vscode import.
import * as l10n from '@vscode/l10n';
import type { ClusterPlace } from '../../diagnosis/kubeconfigPlace';
import { tokenIdentity } from '../../token/identity';
import type { Assessment } from '../../diagnosis/credentialAssessment';
import { describeDuration, describeExpiry, formatInstant, localInstant } from '../../token/relativeTime';
import { EKS_TOKEN_LIFETIME_SECONDS } from '../../token/eksToken';
import type { CertificateInfo, CredentialState, DecodedToken, ExpiryInfo, LocatedKind, ObjectRef } from '../../token/types';
import { boundedJson, MAX_JSON_DEPTH } from './boundedJson';
import { cap } from './escape';

/** Text as it came (from us or from the credential), or a value the markdown shows as code. */
export type Part = string | { code: string };
export type Cell = readonly Part[];
export type SummaryRow = readonly [label: Cell, value: Cell];

export interface CredentialSummary {
  /** A codicon name. */
  icon: string;
  title: Cell;
  state: string;
  /** "expires in 42 min"; absent where it would only repeat the state ("no expiry"). */
  when?: string;
  warning?: string;
  rows: SummaryRow[];
  /** The header and the claims, flattened to dotted keys. */
  sections: { title: string; rows: SummaryRow[] }[];
  note?: string;
}

/** A credential there is nothing to tabulate for: a private key, an opaque token, a value that does not decode. */
export interface CredentialBrief {
  icon: string;
  /** Bold in markdown. */
  lead: Cell;
  rest: Cell;
}

const STATE_ICON: Record<CredentialState, string> = {
  valid: 'pass',
  expiring: 'watch',
  stale: 'history',
  expired: 'error',
  noExpiry: 'infinity',
  notYetValid: 'clock',
};

function stateWords(state: CredentialState): string {
  switch (state) {
    case 'valid':
      return l10n.t('valid');
    case 'expiring':
      return l10n.t('expiring soon');
    case 'stale':
      return l10n.t('stale (past warnafter)');
    case 'expired':
      return l10n.t('expired');
    case 'noExpiry':
      return l10n.t('no expiry');
    case 'notYetValid':
      return l10n.t('not yet valid');
  }
}

const code = (text: string): Part => ({ code: text });

/**
 * A translated template (`l10n.t` given no arguments, so its `{0}`, `{1}`… stay) with each placeholder replaced by
 * a part or a cell: a sentence that holds code reads in each language's order, and the code stays code.
 */
export function cellOf(template: string, ...fills: (Part | Cell)[]): Cell {
  const out: Part[] = [];
  const pieces = template.split(/\{(\d+)\}/);
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) {
      if (piece !== '') out.push(piece);
      return;
    }
    const fill = fills[Number(piece)];
    if (fill === undefined) out.push(`{${piece}}`);
    else if (Array.isArray(fill)) out.push(...(fill as Cell));
    else out.push(fill as Part);
  });
  return out;
}

/** "2026-11-22T03:28:17 UTC · 2026-11-22T04:28:17+01:00 local · 3 min ago"; the local time only where it is not UTC. */
function instantCell(seconds: number, now: number): Cell {
  const { utc } = formatInstant(seconds);
  const local = localInstant(seconds);
  const delta = seconds - now;
  const relative = delta >= 0 ? l10n.t('in {0}', describeDuration(delta, 'long')) : l10n.t('{0} ago', describeDuration(-delta, 'long'));
  return local === undefined ? [utc, ' · ', relative] : [utc, ' · ', l10n.t('{0} local', local), ' · ', relative];
}

/** "(uid `…`)" after a name, when there is a uid. */
function uidCell(uid: string | undefined): Cell {
  return uid ? [' (uid ', code(cap(uid)), ')'] : [];
}

/** "Pod `name` (uid `…`)": `kind` is a translated template with `{0}` for the name. */
function refCell(kind: string, ref: ObjectRef | undefined): Cell | undefined {
  if (!ref) return undefined;
  return [...cellOf(kind, code(cap(ref.name))), ...uidCell(ref.uid)];
}

function joined(cells: readonly Cell[], separator: string): Cell {
  return cells.flatMap((c, i) => (i === 0 ? c : [separator, ...c]));
}

function expiryRows(expiry: ExpiryInfo, now: number, issuedLabel: string, expiresLabel: string): SummaryRow[] {
  const rows: SummaryRow[] = [];
  if (expiry.issuedAt !== undefined) rows.push([[issuedLabel], instantCell(expiry.issuedAt, now)]);
  if (expiry.notBefore !== undefined && expiry.notBefore !== expiry.issuedAt) rows.push([[l10n.t('Not before')], instantCell(expiry.notBefore, now)]);
  if (expiry.expiresAt !== undefined) rows.push([[expiresLabel], instantCell(expiry.expiresAt, now)]);
  if (expiry.warnAfter !== undefined) rows.push([[l10n.t('Warn after')], instantCell(expiry.warnAfter, now)]);
  if (expiry.lifetimeSeconds !== undefined) rows.push([[l10n.t('Lifetime')], [describeDuration(expiry.lifetimeSeconds, 'long')]]);
  return rows;
}

function headline(title: Cell, expiry: ExpiryInfo, now: number): Pick<CredentialSummary, 'icon' | 'title' | 'state' | 'when'> {
  const state = stateWords(expiry.state);
  const when = describeExpiry(expiry, now, 'long');
  // "expired 3 days ago" is the state said in full: once, not "expired — expired 3 days ago"; "no expiry" too.
  if (when === state || expiry.state === 'expired') return { icon: STATE_ICON[expiry.state], title, state: when };
  return { icon: STATE_ICON[expiry.state], title, state, when };
}

function tokenTitle(token: DecodedToken): string {
  const k = token.claims.kubernetes;
  if (token.claims.legacy) return l10n.t('Legacy service-account token');
  if (k?.serviceAccount) return l10n.t('Service-account token');
  const id = tokenIdentity(token.claims);
  if (id?.kind === 'entra') return l10n.t('Microsoft Entra ID token');
  if (id?.kind === 'oidc' && token.claims.iss !== undefined) return l10n.t('OIDC ID token');
  return l10n.t('JSON Web Token');
}

/** Who an Entra ID or OIDC token names: the rows a user looks for before the claims table. */
function identityRows(claims: DecodedToken['claims']): SummaryRow[] {
  const id = tokenIdentity(claims);
  if (id === undefined || id.kind === 'serviceAccount') return [];
  const rows: SummaryRow[] = [[[l10n.t('Signed in as')], [code(cap(id.name))]]];
  if (id.tenant !== undefined) rows.push([[l10n.t('Tenant')], [code(cap(id.tenant))]]);
  if (id.objectId !== undefined) rows.push([[l10n.t('Object id')], [code(cap(id.objectId))]]);
  if (id.groups !== undefined)
    rows.push([
      [l10n.t('Groups')],
      joined(
        id.groups.slice(0, 10).map((g) => [code(cap(g))]),
        ', ',
      ),
    ]);
  return rows;
}

/** Flattens claims into dotted keys for the claims table (`kubernetes.io.pod.name`). */
function flatten(value: unknown, prefix: string, out: SummaryRow[], depth = 0): void {
  if (out.length >= 60) return;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  // Deeper values are shown as compact JSON, cut at a depth so a hostile token cannot overflow the stack.
  const text = typeof value === 'string' ? value : boundedJson(value, MAX_JSON_DEPTH - depth);
  out.push([[code(cap(prefix, 80))], [code(cap(text))]]);
}

function flattened(value: unknown): SummaryRow[] {
  const rows: SummaryRow[] = [];
  flatten(value, '', rows);
  return rows;
}

export function tokenSummary(a: Extract<Assessment, { kind: 'token' }>, nowSec: number): CredentialSummary {
  const { token, expiry } = a;
  const c = token.claims;
  const k = c.kubernetes;
  const rows: SummaryRow[] = [];
  const sa = k?.serviceAccount;
  if (sa) rows.push([[l10n.t('Service account')], [code(cap(`${k?.namespace ?? '?'}/${sa.name}`)), ...uidCell(sa.uid)]]);
  else if (k?.namespace) rows.push([[l10n.t('Namespace')], [code(cap(k.namespace))]]);
  const bound = [refCell(l10n.t('Pod {0}'), k?.pod), refCell(l10n.t('Secret {0}'), k?.secret), refCell(l10n.t('Node {0}'), k?.node)].filter(
    (x): x is Cell => !!x,
  );
  if (bound.length > 0) rows.push([[l10n.t('Bound to')], joined(bound, ' · ')]);
  rows.push(...identityRows(c));
  rows.push(...expiryRows(expiry, nowSec, l10n.t('Issued'), l10n.t('Expires')));
  if (a.refreshDue !== undefined) rows.push([[l10n.t('Kubelet refresh due')], instantCell(a.refreshDue, nowSec)]);
  if (c.iss !== undefined) rows.push([[l10n.t('Issuer')], [code(cap(c.iss))]]);
  if (c.aud.length > 0)
    rows.push([
      [l10n.t('Audience')],
      joined(
        c.aud.map((x) => [code(cap(x))]),
        ', ',
      ),
    ]);
  if (c.sub !== undefined) rows.push([[l10n.t('Subject')], [code(cap(c.sub))]]);
  if (c.jti !== undefined) rows.push([[l10n.t('JWT ID')], [code(cap(c.jti))]]);
  rows.push([[l10n.t('Fingerprint')], [code(`sha256:${token.fingerprint}`)]]);
  return {
    ...headline([tokenTitle(token)], expiry, nowSec),
    ...(a.warning ? { warning: a.warning } : {}),
    rows,
    sections: [
      { title: l10n.t('Header'), rows: flattened(token.header) },
      { title: l10n.t('Claims'), rows: flattened(c.raw) },
    ],
  };
}

/** What the URL says, and what it cannot: the cluster is a signed header, not part of the token. */
export function eksTokenSummary(a: Extract<Assessment, { kind: 'eksToken' }>, nowSec: number, place?: SummaryPlace): CredentialSummary {
  const { token, expiry } = a;
  const clusters = place?.clusters ?? [];
  const rows: SummaryRow[] = [
    clusters.length > 0
      ? [
          [l10n.t('Cluster')],
          [
            ...joined(
              clusters.map((c) => [code(cap(c.name))]),
              ', ',
            ),
            ' ',
            l10n.t(
              '(from context {0} of this kubeconfig; the token names it only in a signed header)',
              clusters
                .flatMap((c) => c.contexts)
                .slice(0, 3)
                .join(', '),
            ),
          ],
        ]
      : [[l10n.t('Cluster')], [l10n.t('not in the token (a signed header)')]],
    [[l10n.t('Region')], [code(cap(token.region))]],
    [
      [l10n.t('Access key')],
      [code(token.accessKeyHint), ' ', token.temporaryCredentials ? l10n.t('(temporary credentials)') : l10n.t('(long-term access key)')],
    ],
  ];
  if (token.hasSessionToken) rows.push([[l10n.t('Session token')], [l10n.t('present, not shown')]]);
  rows.push(...expiryRows(expiry, nowSec, l10n.t('Issued'), l10n.t('Expires')));
  rows.push([[l10n.t('STS endpoint')], [code(cap(token.host))]]);
  const server = clusters.length === 1 ? clusters[0]?.server : undefined;
  if (server !== undefined) rows.push([[l10n.t('API server')], [code(cap(server))]]);
  rows.push([[l10n.t('Fingerprint')], [code(`sha256:${token.fingerprint}`)]]);
  const ignored = token.amzExpiresSeconds !== undefined && token.amzExpiresSeconds !== EKS_TOKEN_LIFETIME_SECONDS;
  return {
    ...headline([l10n.t('AWS EKS token')], expiry, nowSec),
    ...(a.warning ? { warning: a.warning } : {}),
    rows,
    sections: [],
    note: ignored
      ? l10n.t(
          'STS accepts this presigned URL for 15 minutes after X-Amz-Date; its X-Amz-Expires={0} is ignored. The signature is never shown.',
          token.amzExpiresSeconds ?? 0,
        )
      : l10n.t('STS accepts this presigned URL for 15 minutes after X-Amz-Date. The signature is never shown.'),
  };
}

/** "certificate", "EKS token" or "token": what a located credential that does not decode was taken for. */
export function credentialNoun(kind: LocatedKind): string {
  if (kind === 'certificate') return l10n.t('certificate');
  return kind === 'eksToken' ? l10n.t('EKS token') : l10n.t('token');
}

function certificateRows(cert: CertificateInfo, expiry: ExpiryInfo, now: number): SummaryRow[] {
  const rows: SummaryRow[] = [];
  rows.push([[l10n.t('Subject')], [code(cap(cert.subject.replace(/\n/g, ', ')))]]);
  if (cert.organizations.length > 0)
    rows.push([
      [l10n.t('Groups (O)')],
      joined(
        cert.organizations.map((o) => [code(cap(o))]),
        ', ',
      ),
    ]);
  rows.push([[l10n.t('Issuer')], [code(cap(cert.issuer.replace(/\n/g, ', ')))]]);
  rows.push(...expiryRows(expiry, now, l10n.t('Not before'), l10n.t('Not after')));
  rows.push([['CA'], [cert.isCA ? l10n.t('yes') : l10n.t('no')]]);
  rows.push([[l10n.t('Serial')], [code(cap(cert.serialNumber))]]);
  rows.push([['SHA-256'], [code(cap(cert.fingerprint256))]]);
  return rows;
}

export function certificateSummary(a: Extract<Assessment, { kind: 'certificate' }>, nowSec: number): CredentialSummary | undefined {
  const [first] = a.certificates;
  if (!first) return undefined;
  const title: Cell = first.commonName
    ? cellOf(first.isCA ? l10n.t('CA certificate {0}') : l10n.t('Certificate {0}'), code(cap(first.commonName)))
    : [first.isCA ? l10n.t('CA certificate') : l10n.t('Certificate')];
  const more = a.certificates.length - 1;
  return {
    ...headline(title, a.expiry, nowSec),
    ...(a.warning ? { warning: a.warning } : {}),
    rows: certificateRows(first, a.expiry, nowSec),
    sections: [],
    ...(more > 0 ? { note: l10n.t('{0} more certificate(s) in this bundle.', more) } : {}),
  };
}

/** What to say of an assessment: a summary with rows, or a brief for what has none. */
/** What the document around a credential tells that the credential cannot: an EKS token's cluster in a kubeconfig. */
export interface SummaryPlace {
  clusters?: readonly ClusterPlace[];
}

export function summaryOf(a: Assessment, nowSec: number, place?: SummaryPlace): CredentialSummary | CredentialBrief | undefined {
  switch (a.kind) {
    case 'token':
      return tokenSummary(a, nowSec);
    case 'certificate':
      return certificateSummary(a, nowSec);
    case 'eksToken':
      return eksTokenSummary(a, nowSec, place);
    case 'privateKey':
      return {
        icon: 'lock',
        lead: [l10n.t('Private key, not shown.')],
        rest: [' ', ...cellOf(l10n.t('Cluster Credentials never decodes or displays private keys ({0}).'), code(cap(a.located.path)))],
      };
    case 'opaque':
      return {
        icon: 'key',
        lead: [l10n.t('Opaque bearer token')],
        rest: [' ', ...cellOf(l10n.t('(not a JWT): its expiry is known only to the server that issued it. Fingerprint {0}.'), code(`sha256:${a.fingerprint}`))],
      };
    case 'invalid':
      return { icon: 'warning', lead: [l10n.t('Not a valid {0}:', credentialNoun(a.located.kind))], rest: [' ', a.reason] };
  }
}

export function isBrief(s: CredentialSummary | CredentialBrief): s is CredentialBrief {
  return 'lead' in s;
}
