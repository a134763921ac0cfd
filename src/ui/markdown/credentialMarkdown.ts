// Builds the hover (and decoded document) markdown for an assessed credential. Pure: no vscode import,
// so the same code runs in the hover provider, the decode command and the benchmark.
import * as l10n from '@vscode/l10n';
import type { Assessment } from '../../diagnosis/credentialAssessment';
import {
  type Cell,
  cellOf,
  type CredentialBrief,
  type CredentialSummary,
  certificateSummary,
  isBrief,
  summaryOf,
  type SummaryPlace,
  type SummaryRow,
  tokenSummary,
} from './credentialSummary';
import { escapeMarkdown, inlineCode } from './escape';

/** Text escaped, values as inline code: nothing from the credential can form markup. */
function cellMarkdown(cell: Cell): string {
  return cell.map((p) => (typeof p === 'string' ? escapeMarkdown(p) : inlineCode(p.code))).join('');
}

function table(rows: readonly SummaryRow[]): string {
  if (rows.length === 0) return '';
  const body = rows.map(([k, v]) => `| ${cellMarkdown(k)} | ${cellMarkdown(v)} |`).join('\n');
  return `| | |\n|---|---|\n${body}\n`;
}

function summaryMarkdown(s: CredentialSummary): string {
  const when = s.when !== undefined ? ` — ${escapeMarkdown(s.when)}` : '';
  let md = `$(${s.icon}) **${cellMarkdown(cellOf(l10n.t('{0}: {1}'), s.title, s.state))}**${when}\n\n`;
  if (s.warning) md += `$(warning) ${escapeMarkdown(s.warning)}\n\n`;
  md += table(s.rows);
  for (const section of s.sections) md += `\n**${section.title}**\n\n${table(section.rows)}`;
  if (s.note) md += `\n$(info) ${escapeMarkdown(s.note)}\n`;
  return md;
}

function briefMarkdown(b: CredentialBrief): string {
  return `$(${b.icon}) **${cellMarkdown(b.lead)}**${cellMarkdown(b.rest)}\n`;
}

export function tokenMarkdown(a: Extract<Assessment, { kind: 'token' }>, nowSec: number): string {
  return summaryMarkdown(tokenSummary(a, nowSec));
}

export function certificateMarkdown(a: Extract<Assessment, { kind: 'certificate' }>, nowSec: number): string {
  const s = certificateSummary(a, nowSec);
  return s ? summaryMarkdown(s) : '';
}

/** The hover markdown for any assessment. */
export function assessmentMarkdown(a: Assessment, nowSec: number, place?: SummaryPlace): string {
  const s = summaryOf(a, nowSec, place);
  if (!s) return '';
  return isBrief(s) ? briefMarkdown(s) : summaryMarkdown(s);
}
