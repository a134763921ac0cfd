// Markdown tooltips for tree nodes. Every value from a kubeconfig or the cluster is escaped; the
// markdown is rendered untrusted, so nothing in it can run a command or form a link.
import * as l10n from '@vscode/l10n';
import type { CredentialState, DecodedToken, ExpiryInfo } from '../../token/types';
import { describeExpiry, formatInstant, localInstant, localOffsetMinutes } from '../../token/relativeTime';
import { cap, escapeMarkdown } from '../markdown/escape';
import { stateStyle } from './stateStyle';

export type Row = [label: string, value: string | undefined];

/** A bold heading, then `label: value` lines (values escaped; rows without a value left out). */
export function markdownRows(heading: string, rows: readonly Row[], note?: string): string {
  const lines = [`**${escapeMarkdown(heading)}**`, ''];
  for (const [label, value] of rows) {
    if (value === undefined || value === '') continue;
    // "Label: value" (in Chinese with a full-width colon); the two trailing spaces break the line.
    lines.push(`${l10n.t('{0}: {1}', escapeMarkdown(label), escapeMarkdown(cap(value)))}  `);
  }
  if (note) lines.push('', escapeMarkdown(note));
  return lines.join('\n');
}

/** A bold heading, then whole sentences, each its own paragraph (escaped, never cut short). */
export function markdownParagraphs(heading: string, paragraphs: readonly string[]): string {
  return [`**${escapeMarkdown(heading)}**`, ...paragraphs.map(escapeMarkdown)].join('\n\n');
}

/** An instant in UTC, with the local time only where it differs (`offsetMinutes`: this machine's at that instant). */
export function instant(seconds: number | undefined, offsetMinutes?: number): string | undefined {
  if (seconds === undefined) return undefined;
  const offset = offsetMinutes ?? localOffsetMinutes(seconds);
  const local = localInstant(seconds, offset);
  const utc = formatInstant(seconds, offset).utc;
  return local === undefined ? utc : `${utc} (${local})`;
}

// States whose time sentence already names them ("no expiry", "expired 3 days ago", "not valid for another 5 min").
const SELF_NAMED: ReadonlySet<CredentialState> = new Set(['noExpiry', 'expired', 'notYetValid']);

/** The State row, saying the state once: "valid — expires in 3 h", "no expiry", "expired 2 days ago". */
export function stateText(expiry: ExpiryInfo, nowSec: number): string {
  const when = describeExpiry(expiry, nowSec, 'long');
  return SELF_NAMED.has(expiry.state) ? when : `${stateStyle(expiry.state).word} — ${when}`;
}

export function tokenRows(token: DecodedToken, expiry: ExpiryInfo, nowSec: number): Row[] {
  const c = token.claims;
  return [
    [l10n.t('State'), stateText(expiry, nowSec)],
    [l10n.t('Subject'), c.sub],
    [l10n.t('Issuer'), c.iss],
    [l10n.t('Audience'), c.aud.join(', ')],
    [l10n.t('Issued'), instant(c.iat)],
    [l10n.t('Expires'), instant(c.exp)],
    [l10n.t('Warn after'), instant(c.kubernetes?.warnAfter)],
    [l10n.t('Bound to pod'), c.kubernetes?.pod ? `${c.kubernetes.pod.name} (${c.kubernetes.pod.uid ?? l10n.t('no uid')})` : undefined],
    [l10n.t('Node'), c.kubernetes?.node?.name],
    ['jti', c.jti],
    [l10n.t('Fingerprint'), token.fingerprint],
  ];
}
