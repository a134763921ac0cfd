// Markdown tooltips for tree nodes. Every value from a kubeconfig or the cluster is escaped; the
// markdown is rendered untrusted, so nothing in it can run a command or form a link.
import type { DecodedToken, ExpiryInfo } from '../../token/types';
import { describeExpiry, formatInstant } from '../../token/relativeTime';
import { cap, escapeMarkdown } from '../markdown/escape';

export type Row = [label: string, value: string | undefined];

/** A bold heading, then `label: value` lines (values escaped; rows without a value left out). */
export function markdownRows(heading: string, rows: readonly Row[], note?: string): string {
  const lines = [`**${escapeMarkdown(heading)}**`, ''];
  for (const [label, value] of rows) {
    if (value === undefined || value === '') continue;
    lines.push(`${escapeMarkdown(label)}: ${escapeMarkdown(cap(value))}  `);
  }
  if (note) lines.push('', escapeMarkdown(note));
  return lines.join('\n');
}

export function instant(seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined;
  const t = formatInstant(seconds);
  return `${t.utc} (${t.local})`;
}

export function tokenRows(token: DecodedToken, expiry: ExpiryInfo, nowSec: number): Row[] {
  const c = token.claims;
  return [
    ['State', `${expiry.state} — ${describeExpiry(expiry, nowSec, 'long')}`],
    ['Subject', c.sub],
    ['Issuer', c.iss],
    ['Audience', c.aud.join(', ')],
    ['Issued', instant(c.iat)],
    ['Expires', instant(c.exp)],
    ['Warn after', instant(c.kubernetes?.warnAfter)],
    ['Bound to pod', c.kubernetes?.pod ? `${c.kubernetes.pod.name} (${c.kubernetes.pod.uid ?? 'no uid'})` : undefined],
    ['Node', c.kubernetes?.node?.name],
    ['jti', c.jti],
    ['Fingerprint', token.fingerprint],
  ];
}
