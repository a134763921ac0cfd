// The read-only documents Request Token and Review Token open: plain text in padded columns (a text
// editor would show markdown as its source), what was asked and granted, then the decoded token as the
// hover shows it. No vscode; the raw token is never part of them.
import * as l10n from '@vscode/l10n';
import type { IssuedToken } from '../../cluster/actions/requestToken';
import type { TokenReviewResult } from '../../cluster/actions/reviewToken';
import { assessCredential } from '../../diagnosis/credentialAssessment';
import { classifyInput } from '../../token/classifyInput';
import type { ExpiryOptions } from '../../token/types';
import { alignedRows, oneLine, underlined } from '../markdown/alignedText';
import { credentialText } from '../markdown/credentialText';
import { expiryPhrase } from './sentences';

type Row = [label: string, value: string];

function noRawToken(): string {
  return `${l10n.t('The raw token is not part of this document.')}\n`;
}

export function issuedTokenDocument(t: IssuedToken, context: string, nowSeconds: number, expiry?: Partial<ExpiryOptions>): string {
  const exp = Date.parse(t.expirationTimestamp) / 1000;
  let text = underlined(l10n.t('Token for service account {0}', `${t.namespace}/${t.serviceAccount}`));
  text += `\n${l10n.t(
    'Issued by a TokenRequest in context {0}. Use "Copy token" (in the editor title bar or the notification) to put it on the clipboard; it is kept in memory only, for this window.',
    oneLine(context),
  )}\n\n`;
  const rows: Row[] = [
    [l10n.t('Fingerprint'), `sha256:${t.fingerprint}`],
    [l10n.t('Audiences'), t.audiences.length > 0 ? t.audiences.join(', ') : l10n.t('the API server’s own')],
    [l10n.t('Lifetime granted'), t.expirationSeconds !== undefined ? `${t.expirationSeconds} s` : l10n.t('as the server decided')],
    [l10n.t('Expiry'), expiryPhrase(Number.isFinite(exp) ? exp : undefined, nowSeconds)],
    [
      l10n.t('Bound to'),
      t.boundObject
        ? l10n.t('{0} {1} (the token stops working when it is deleted)', t.boundObject.kind, t.boundObject.name)
        : l10n.t('nothing (valid until it expires)'),
    ],
    [l10n.t('Refreshed by'), l10n.t('nobody: request a new token before this one expires')],
  ];
  if (t.warning) rows.push([l10n.t('Server warning'), t.warning]);
  text += alignedRows(rows);
  const classified = classifyInput(t.token);
  if (classified.ok) {
    const assessed = assessCredential(classified.credential, nowSeconds, expiry);
    // Bound to a pod or not, no kubelet rotates a token someone requested: no refresh point to show.
    if (assessed.kind === 'token') delete assessed.refreshDue;
    text += `\n${underlined(l10n.t('Decoded token'), '-')}\n${credentialText(assessed, nowSeconds)}`;
  }
  return `${text}\n${noRawToken()}`;
}

export function reviewDocument(r: TokenReviewResult, context: string): string {
  let text = underlined(l10n.t('TokenReview of token sha256:{0}', r.fingerprint));
  text += `\n${l10n.t('Asked of context {0}.', oneLine(context))}\n\n`;
  const rows: Row[] = [[l10n.t('Authenticated'), r.authenticated ? l10n.t('yes') : l10n.t('no')]];
  if (r.error) rows.push([l10n.t('Reason'), r.error]);
  if (r.user) {
    rows.push([l10n.t('User'), r.user.username]);
    if (r.user.uid) rows.push(['UID', r.user.uid]);
    rows.push([l10n.t('Groups'), r.user.groups.join(', ') || l10n.t('none')]);
    for (const [k, v] of Object.entries(r.user.extra)) rows.push([l10n.t('Extra {0}', k), v.join(', ')]);
  }
  if (r.audiences.length > 0) rows.push([l10n.t('Audiences'), r.audiences.join(', ')]);
  text += alignedRows(rows);
  return `${text}\n${noRawToken()}`;
}
