// The text of the read-only "decoded token" document: the hover's summary plus the header and claims as JSON.
import * as l10n from '@vscode/l10n';
import type { Assessment } from '../../diagnosis/credentialAssessment';
import { boundedJson } from './boundedJson';
import { assessmentMarkdown } from './credentialMarkdown';

/** Our own `$(icon)` marks; values from the input have `$` escaped, so they never match. */
const OWN_ICON = /(?<!\\)\$\([a-z-]+\) ?/g;

function fenced(language: string, text: string): string {
  let fence = '```';
  while (text.includes(fence)) fence += '`';
  return `${fence}${language}\n${text}\n${fence}\n`;
}

export function decodedDocumentText(a: Assessment, nowSec: number): string {
  const heading =
    a.kind === 'certificate'
      ? l10n.t('Cluster Credentials: decoded certificate')
      : a.kind === 'eksToken'
        ? l10n.t('Cluster Credentials: decoded EKS token')
        : l10n.t('Cluster Credentials: decoded token');
  let md = `# ${heading}\n\n`;
  md += assessmentMarkdown(a, nowSec).replace(OWN_ICON, '');
  if (a.kind === 'token') {
    md += `\n## ${l10n.t('Header (JSON)')}\n\n${fenced('json', boundedJson(a.token.header, undefined, 2))}`;
    md += `\n## ${l10n.t('Claims (JSON)')}\n\n${fenced('json', boundedJson(a.token.claims.raw, undefined, 2))}`;
  }
  md += `\n_${l10n.t('The raw token is not part of this document.')}_\n`;
  return md;
}
