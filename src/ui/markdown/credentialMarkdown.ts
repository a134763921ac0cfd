// Builds the hover (and decoded document) markdown for an assessed credential. Pure: no vscode import,
// so the same code runs in the hover provider, the decode command and the benchmark.
import type { Assessment } from '../../diagnosis/credentialAssessment';
import { describeDuration, describeExpiry, formatInstant } from '../../token/relativeTime';
import type { CertificateInfo, CredentialState, DecodedToken, ExpiryInfo, ObjectRef } from '../../token/types';
import { boundedJson, MAX_JSON_DEPTH } from './boundedJson';
import { cap, escapeMarkdown, inlineCode } from './escape';

const STATE_ICON: Record<CredentialState, string> = {
  valid: '$(pass)',
  expiring: '$(watch)',
  stale: '$(history)',
  expired: '$(error)',
  noExpiry: '$(infinity)',
  notYetValid: '$(clock)',
};

const STATE_WORDS: Record<CredentialState, string> = {
  valid: 'valid',
  expiring: 'expiring soon',
  stale: 'stale (past warnafter)',
  expired: 'expired',
  noExpiry: 'no expiry',
  notYetValid: 'not yet valid',
};

type Row = [label: string, value: string];

function table(rows: Row[]): string {
  if (rows.length === 0) return '';
  const body = rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  return `| | |\n|---|---|\n${body}\n`;
}

/** "2026-11-22 03:28:17 UTC · 04:28:17 +01:00 · 3 min ago" — escaped, ready for a table cell. */
function instantCell(seconds: number, now: number): string {
  const { utc, local } = formatInstant(seconds);
  const delta = seconds - now;
  const relative = delta >= 0 ? `in ${describeDuration(delta, 'long')}` : `${describeDuration(-delta, 'long')} ago`;
  return `${escapeMarkdown(utc)} · ${escapeMarkdown(local)} local · ${escapeMarkdown(relative)}`;
}

function refCell(kind: string, ref: ObjectRef | undefined): string | undefined {
  if (!ref) return undefined;
  return `${kind} ${inlineCode(cap(ref.name))}${ref.uid ? ` (uid ${inlineCode(cap(ref.uid))})` : ''}`;
}

function expiryRows(expiry: ExpiryInfo, now: number, issuedLabel: string, expiresLabel: string): Row[] {
  const rows: Row[] = [];
  if (expiry.issuedAt !== undefined) rows.push([issuedLabel, instantCell(expiry.issuedAt, now)]);
  if (expiry.notBefore !== undefined && expiry.notBefore !== expiry.issuedAt) rows.push(['Not before', instantCell(expiry.notBefore, now)]);
  if (expiry.expiresAt !== undefined) rows.push([expiresLabel, instantCell(expiry.expiresAt, now)]);
  if (expiry.warnAfter !== undefined) rows.push(['Warn after', instantCell(expiry.warnAfter, now)]);
  if (expiry.lifetimeSeconds !== undefined) rows.push(['Lifetime', escapeMarkdown(describeDuration(expiry.lifetimeSeconds, 'long'))]);
  return rows;
}

function headline(title: string, state: CredentialState, expiry: ExpiryInfo, now: number): string {
  return `${STATE_ICON[state]} **${title}: ${STATE_WORDS[state]}** — ${escapeMarkdown(describeExpiry(expiry, now, 'long'))}\n\n`;
}

function warningLine(warning: string | undefined): string {
  return warning ? `$(warning) ${escapeMarkdown(warning)}\n\n` : '';
}

function tokenTitle(token: DecodedToken): string {
  const k = token.claims.kubernetes;
  if (token.claims.legacy) return 'Legacy service-account token';
  if (k?.serviceAccount) return 'Service-account token';
  return 'JSON Web Token';
}

/** Flattens claims into dotted keys for the claims table (`kubernetes.io.pod.name`). */
function flatten(value: unknown, prefix: string, out: Row[], depth = 0): void {
  if (out.length >= 60) return;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  // Deeper values are shown as compact JSON, cut at a depth so a hostile token cannot overflow the stack.
  const text = typeof value === 'string' ? value : boundedJson(value, MAX_JSON_DEPTH - depth);
  out.push([inlineCode(cap(prefix, 80)), inlineCode(cap(text))]);
}

export function tokenMarkdown(a: Extract<Assessment, { kind: 'token' }>, nowSec: number): string {
  const { token, expiry } = a;
  const c = token.claims;
  const k = c.kubernetes;
  let md = headline(tokenTitle(token), expiry.state, expiry, nowSec);
  md += warningLine(a.warning);
  const rows: Row[] = [];
  const sa = k?.serviceAccount;
  if (sa) rows.push(['Service account', `${inlineCode(cap(`${k?.namespace ?? '?'}/${sa.name}`))}${sa.uid ? ` (uid ${inlineCode(cap(sa.uid))})` : ''}`]);
  else if (k?.namespace) rows.push(['Namespace', inlineCode(cap(k.namespace))]);
  const bound = [refCell('Pod', k?.pod), refCell('Secret', k?.secret), refCell('Node', k?.node)].filter((x): x is string => !!x);
  if (bound.length > 0) rows.push(['Bound to', bound.join(' · ')]);
  rows.push(...expiryRows(expiry, nowSec, 'Issued', 'Expires'));
  if (a.refreshDue !== undefined) rows.push(['Kubelet refresh due', instantCell(a.refreshDue, nowSec)]);
  if (c.iss !== undefined) rows.push(['Issuer', inlineCode(cap(c.iss))]);
  if (c.aud.length > 0) rows.push(['Audience', c.aud.map((x) => inlineCode(cap(x))).join(', ')]);
  if (c.sub !== undefined) rows.push(['Subject', inlineCode(cap(c.sub))]);
  if (c.jti !== undefined) rows.push(['JWT ID', inlineCode(cap(c.jti))]);
  rows.push(['Fingerprint', inlineCode(`sha256:${token.fingerprint}`)]);
  md += table(rows);
  const header: Row[] = [];
  flatten(token.header, '', header);
  md += `\n**Header**\n\n${table(header)}`;
  const claims: Row[] = [];
  flatten(c.raw, '', claims);
  md += `\n**Claims**\n\n${table(claims)}`;
  return md;
}

function certificateRows(cert: CertificateInfo, expiry: ExpiryInfo, now: number): Row[] {
  const rows: Row[] = [];
  rows.push(['Subject', inlineCode(cap(cert.subject.replace(/\n/g, ', ')))]);
  if (cert.organizations.length > 0) rows.push(['Groups (O)', cert.organizations.map((o) => inlineCode(cap(o))).join(', ')]);
  rows.push(['Issuer', inlineCode(cap(cert.issuer.replace(/\n/g, ', ')))]);
  rows.push(...expiryRows(expiry, now, 'Not before', 'Not after'));
  rows.push(['CA', cert.isCA ? 'yes' : 'no']);
  rows.push(['Serial', inlineCode(cap(cert.serialNumber))]);
  rows.push(['SHA-256', inlineCode(cap(cert.fingerprint256))]);
  return rows;
}

export function certificateMarkdown(a: Extract<Assessment, { kind: 'certificate' }>, nowSec: number): string {
  const [first] = a.certificates;
  if (!first) return '';
  const title = first.isCA ? 'CA certificate' : 'Certificate';
  const name = first.commonName ? ` ${inlineCode(cap(first.commonName))}` : '';
  let md = headline(`${title}${name}`, a.expiry.state, a.expiry, nowSec);
  md += warningLine(a.warning);
  md += table(certificateRows(first, a.expiry, nowSec));
  if (a.certificates.length > 1) md += `\n$(info) ${a.certificates.length - 1} more certificate(s) in this bundle.\n`;
  return md;
}

/** The hover markdown for any assessment. */
export function assessmentMarkdown(a: Assessment, nowSec: number): string {
  switch (a.kind) {
    case 'token':
      return tokenMarkdown(a, nowSec);
    case 'certificate':
      return certificateMarkdown(a, nowSec);
    case 'privateKey':
      return `$(lock) **Private key, not shown.** Cluster Credentials never decodes or displays private keys (${inlineCode(cap(a.located.path))}).\n`;
    case 'opaque':
      return `$(key) **Opaque bearer token** (not a JWT): its expiry is known only to the server that issued it. Fingerprint ${inlineCode(`sha256:${a.fingerprint}`)}.\n`;
    case 'invalid':
      return `$(warning) **Not a valid ${a.located.kind === 'certificate' ? 'certificate' : 'token'}:** ${escapeMarkdown(a.reason)}\n`;
  }
}
