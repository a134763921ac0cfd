// An assessed credential as plain text, for a document opened in a text editor (Request Token's): what the
// hover says, from the same summary, in padded columns, then the header and claims as JSON. Pure.
import * as l10n from '@vscode/l10n';
import type { Assessment } from '../../diagnosis/credentialAssessment';
import { alignedRows, oneLine, underlined } from './alignedText';
import { boundedJson } from './boundedJson';
import { type Cell, type CredentialSummary, isBrief, summaryOf, type SummaryRow } from './credentialSummary';

function cellText(cell: Cell): string {
  return oneLine(cell.map((p) => (typeof p === 'string' ? p : p.code)).join(''));
}

function rowsText(rows: readonly SummaryRow[]): string {
  return alignedRows(rows.map(([k, v]) => [cellText(k), cellText(v)] as const));
}

function summaryText(s: CredentialSummary): string {
  let text = `${l10n.t('{0}: {1}', cellText(s.title), s.state)}${s.when !== undefined ? ` — ${oneLine(s.when)}` : ''}\n`;
  if (s.warning) text += `${l10n.t('Warning: {0}', oneLine(s.warning))}\n`;
  text += `\n${rowsText(s.rows)}`;
  if (s.note) text += `\n${oneLine(s.note)}\n`;
  return text;
}

/** The credential's summary, and for a token its header and claims as indented JSON. */
export function credentialText(a: Assessment, nowSec: number): string {
  const s = summaryOf(a, nowSec);
  if (!s) return '';
  if (isBrief(s)) return `${cellText(s.lead)}${cellText(s.rest)}\n`;
  let text = summaryText(s);
  // The JSON says all the flattened header and claims tables say, and is what people copy.
  if (a.kind === 'token') {
    text += `\n${underlined(l10n.t('Header'), '-')}${boundedJson(a.token.header, undefined, 2)}\n`;
    text += `\n${underlined(l10n.t('Claims'), '-')}${boundedJson(a.token.claims.raw, undefined, 2)}\n`;
  }
  return text;
}
