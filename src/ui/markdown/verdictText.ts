// What the active context's API server would answer to a service-account token (diagnosis/tokenVerdict.ts), in
// words: the hover's first line (verdictMarkdown.ts) and Token Health's verdicts are made from these parts, so both
// say the same thing. Plain text, unescaped: each view escapes it for where it goes. Pure: no vscode import.
import * as l10n from '@vscode/l10n';
import type { TokenVerdict } from '../../diagnosis/tokenVerdict';
import type { VerdictTone } from '../../diagnosis/timeline';

export interface VerdictParts {
  tone: VerdictTone;
  /** A codicon name. */
  icon: string;
  /** "On context kind-dev, refused". */
  lead: string;
  /** "for audience vault, not accepted by this API server (it accepts …)". */
  body: string;
}

/**
 * The verdict's parts, or undefined when the token is not the context's to judge (another cluster's).
 * `staleMeaning`: a stale acceptance says what stale means; the hover leaves it to its own warning line.
 */
export function verdictParts(context: string, v: TokenVerdict, staleMeaning = true): VerdictParts | undefined {
  const where = l10n.t('On context {0}', context);
  switch (v.outcome) {
    case 'accepted':
      if (v.stale) return { tone: 'stale', icon: 'history', lead: where, body: staleMeaning ? v.text : l10n.t('{0}, but stale', v.acceptance) };
      return { tone: 'accepted', icon: 'verified', lead: where, body: v.text };
    case 'refused':
      return { tone: 'refused', icon: 'error', lead: l10n.t('On context {0}, refused', context), body: v.text };
    case 'unknown':
      return { tone: 'unknown', icon: 'question', lead: where, body: v.text };
    case 'foreign':
      return undefined;
  }
}

/** One sentence, e.g. "On context kind-dev, refused: expired at …: the API server refuses it"; undefined for another cluster's token. */
export function verdictText(context: string, v: TokenVerdict): string | undefined {
  const parts = verdictParts(context, v);
  return parts === undefined ? undefined : l10n.t('{0}: {1}', parts.lead, parts.body);
}
