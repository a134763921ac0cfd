// The read-only document Request Token opens: what was asked and granted, then the decoded token as
// Decode Token shows it. No vscode; the raw token is never part of it.
import type { IssuedToken } from '../../cluster/actions/requestToken';
import type { TokenReviewResult } from '../../cluster/actions/reviewToken';
import { assessCredential } from '../../diagnosis/credentialAssessment';
import { classifyInput } from '../../token/classifyInput';
import type { ExpiryOptions } from '../../token/types';
import { decodedDocumentText } from '../markdown/decodedDocument';
import { escapeMarkdown, inlineCode } from '../markdown/escape';
import { expiryPhrase } from './sentences';

function row(name: string, value: string): string {
  return `| ${name} | ${value} |\n`;
}

export function issuedTokenDocument(t: IssuedToken, context: string, nowSeconds: number, expiry?: Partial<ExpiryOptions>): string {
  const exp = Date.parse(t.expirationTimestamp) / 1000;
  let md = `# Token for service account ${escapeMarkdown(`${t.namespace}/${t.serviceAccount}`)}\n\n`;
  md += `Issued by a TokenRequest in context ${inlineCode(context)}. Use **Copy token** (in the editor title bar or the notification) to put it on the clipboard; it is kept in memory only, for this window.\n\n`;
  md += '| | |\n|---|---|\n';
  md += row('Fingerprint', inlineCode(`sha256:${t.fingerprint}`));
  md += row('Audiences', t.audiences.length > 0 ? t.audiences.map(inlineCode).join(', ') : 'the API server’s own');
  md += row('Lifetime granted', t.expirationSeconds !== undefined ? `${t.expirationSeconds} s` : 'as the server decided');
  md += row('Expiry', escapeMarkdown(expiryPhrase(Number.isFinite(exp) ? exp : undefined, nowSeconds)));
  md += row(
    'Bound to',
    t.boundObject ? `${t.boundObject.kind} ${inlineCode(t.boundObject.name)} (the token stops working when it is deleted)` : 'nothing (valid until it expires)',
  );
  md += row('Refreshed by', 'nobody: request a new token before this one expires');
  if (t.warning) md += row('Server warning', escapeMarkdown(t.warning));
  md += '\n';
  const classified = classifyInput(t.token);
  if (classified.ok) {
    const assessed = assessCredential(classified.credential, nowSeconds, expiry);
    // Bound to a pod or not, no kubelet rotates a token someone requested: no refresh point to show.
    if (assessed.kind === 'token') delete assessed.refreshDue;
    const decoded = decodedDocumentText(assessed, nowSeconds);
    // One title is enough: the decoded part starts at its first section.
    md += decoded.replace(/^# .*\n\n/, '');
  }
  return md;
}

export function reviewDocument(r: TokenReviewResult, context: string): string {
  let md = `# TokenReview of token sha256:${r.fingerprint}\n\n`;
  md += `Asked of context ${inlineCode(context)}.\n\n| | |\n|---|---|\n`;
  md += row('Authenticated', r.authenticated ? 'yes' : '**no**');
  if (r.error) md += row('Reason', escapeMarkdown(r.error));
  if (r.user) {
    md += row('User', inlineCode(r.user.username));
    if (r.user.uid) md += row('UID', inlineCode(r.user.uid));
    md += row('Groups', r.user.groups.map(inlineCode).join(', ') || 'none');
    for (const [k, v] of Object.entries(r.user.extra)) md += row(`Extra ${inlineCode(k)}`, v.map(inlineCode).join(', '));
  }
  if (r.audiences.length > 0) md += row('Audiences', r.audiences.map(inlineCode).join(', '));
  md += '\n_The raw token is not part of this document._\n';
  return md;
}
