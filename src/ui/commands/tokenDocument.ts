// The read-only documents Request Token and Review Token open: plain text in padded columns (a text
// editor would show markdown as its source), what was asked and granted, then the decoded token as the
// hover shows it. No vscode; the raw token is never part of them.
import type { IssuedToken } from '../../cluster/actions/requestToken';
import type { TokenReviewResult } from '../../cluster/actions/reviewToken';
import { assessCredential } from '../../diagnosis/credentialAssessment';
import { classifyInput } from '../../token/classifyInput';
import type { ExpiryOptions } from '../../token/types';
import { alignedRows, oneLine, underlined } from '../markdown/alignedText';
import { credentialText } from '../markdown/credentialText';
import { expiryPhrase } from './sentences';

type Row = [label: string, value: string];

const NO_RAW_TOKEN = 'The raw token is not part of this document.\n';

export function issuedTokenDocument(t: IssuedToken, context: string, nowSeconds: number, expiry?: Partial<ExpiryOptions>): string {
  const exp = Date.parse(t.expirationTimestamp) / 1000;
  let text = underlined(`Token for service account ${t.namespace}/${t.serviceAccount}`);
  text += `\nIssued by a TokenRequest in context ${oneLine(context)}. Use "Copy token" (in the editor title bar or the notification) to put it on the clipboard; it is kept in memory only, for this window.\n\n`;
  const rows: Row[] = [
    ['Fingerprint', `sha256:${t.fingerprint}`],
    ['Audiences', t.audiences.length > 0 ? t.audiences.join(', ') : 'the API server’s own'],
    ['Lifetime granted', t.expirationSeconds !== undefined ? `${t.expirationSeconds} s` : 'as the server decided'],
    ['Expiry', expiryPhrase(Number.isFinite(exp) ? exp : undefined, nowSeconds)],
    [
      'Bound to',
      t.boundObject ? `${t.boundObject.kind} ${t.boundObject.name} (the token stops working when it is deleted)` : 'nothing (valid until it expires)',
    ],
    ['Refreshed by', 'nobody: request a new token before this one expires'],
  ];
  if (t.warning) rows.push(['Server warning', t.warning]);
  text += alignedRows(rows);
  const classified = classifyInput(t.token);
  if (classified.ok) {
    const assessed = assessCredential(classified.credential, nowSeconds, expiry);
    // Bound to a pod or not, no kubelet rotates a token someone requested: no refresh point to show.
    if (assessed.kind === 'token') delete assessed.refreshDue;
    text += `\n${underlined('Decoded token', '-')}\n${credentialText(assessed, nowSeconds)}`;
  }
  return `${text}\n${NO_RAW_TOKEN}`;
}

export function reviewDocument(r: TokenReviewResult, context: string): string {
  let text = underlined(`TokenReview of token sha256:${r.fingerprint}`);
  text += `\nAsked of context ${oneLine(context)}.\n\n`;
  const rows: Row[] = [['Authenticated', r.authenticated ? 'yes' : 'no']];
  if (r.error) rows.push(['Reason', r.error]);
  if (r.user) {
    rows.push(['User', r.user.username]);
    if (r.user.uid) rows.push(['UID', r.user.uid]);
    rows.push(['Groups', r.user.groups.join(', ') || 'none']);
    for (const [k, v] of Object.entries(r.user.extra)) rows.push([`Extra ${k}`, v.join(', ')]);
  }
  if (r.audiences.length > 0) rows.push(['Audiences', r.audiences.join(', ')]);
  text += alignedRows(rows);
  return `${text}\n${NO_RAW_TOKEN}`;
}
