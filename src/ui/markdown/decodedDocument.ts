// The text of the read-only "decoded token" document: the hover's summary plus the header and claims as JSON.
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
  let md = `# Cluster Credentials: decoded ${a.kind === 'certificate' ? 'certificate' : a.kind === 'eksToken' ? 'EKS token' : 'token'}\n\n`;
  md += assessmentMarkdown(a, nowSec).replace(OWN_ICON, '');
  if (a.kind === 'token') {
    md += `\n## Header (JSON)\n\n${fenced('json', boundedJson(a.token.header, undefined, 2))}`;
    md += `\n## Claims (JSON)\n\n${fenced('json', boundedJson(a.token.claims.raw, undefined, 2))}`;
  }
  md += '\n_The raw token is not part of this document._\n';
  return md;
}
