// How a credential state looks in the tree: a codicon and a tone. Presentation only; the state itself
// comes from token/expiry.
import * as l10n from '@vscode/l10n';
import type { SignatureCheck } from '../../cluster/inventory/types';
import type { Severity } from '../../diagnosis/severity';
import type { TokenVerdict } from '../../diagnosis/tokenVerdict';
import type { CredentialState } from '../../token/types';
import type { Tone } from './explorerNode';

export function stateStyle(state: CredentialState): { icon: string; tone: Tone; word: string } {
  // Made at each call: the words are in the display language, handed over after this module loads.
  switch (state) {
    case 'valid':
      return { icon: 'pass', tone: 'ok', word: l10n.t('valid') };
    case 'expiring':
      return { icon: 'warning', tone: 'warning', word: l10n.t('expiring') };
    case 'stale':
      return { icon: 'history', tone: 'warning', word: l10n.t('stale') };
    case 'expired':
      return { icon: 'error', tone: 'error', word: l10n.t('expired') };
    case 'noExpiry':
      return { icon: 'key', tone: 'info', word: l10n.t('no expiry') };
    case 'notYetValid':
      return { icon: 'clock', tone: 'warning', word: l10n.t('not yet valid') };
  }
}

const TONE_RANK: Record<Tone, number> = { error: 4, warning: 3, info: 2, ok: 1, muted: 0 };

/** The worse of two tones (a service account is as bad as its worst token). */
export function worseTone(a: Tone | undefined, b: Tone | undefined): Tone | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return TONE_RANK[b] > TONE_RANK[a] ? b : a;
}

export function severityTone(severity: Severity): Tone {
  return severity;
}

export function severityIcon(severity: Severity): string {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'info';
}

/** "signed by this cluster", "not signed by this cluster's keys", "could not check (403)". */
export function signatureText(sig: SignatureCheck): { text: string; tone: Tone; icon: string } {
  switch (sig.status) {
    case 'signed':
      return { text: l10n.t('signed by this cluster'), tone: 'ok', icon: 'verified' };
    case 'notSigned':
      return { text: l10n.t("not signed by this cluster's keys"), tone: 'error', icon: 'unverified' };
    case 'unchecked':
      return {
        text: sig.httpStatus !== undefined ? l10n.t('could not check ({0})', sig.httpStatus) : l10n.t('could not check'),
        tone: 'muted',
        icon: 'question',
      };
  }
}

/** How a verdict shows on a token node: a refusal in words, a stale acceptance, or nothing to add (unknown, foreign). */
export type VerdictLook =
  { outcome: 'refused'; words: string; row: string } | { outcome: 'accepted'; stale: boolean; row: string } | { outcome: 'none'; row?: undefined };

/** "refused: its pod p-doomed (uid …) is gone": the refusal said once, without the verdict's closing "the API server refuses it". */
export function verdictLook(v: TokenVerdict | undefined): VerdictLook {
  if (v === undefined) return { outcome: 'none' };
  switch (v.outcome) {
    case 'refused': {
      const why = v.why ?? v.text;
      return { outcome: 'refused', words: l10n.t('refused: {0}', why), row: l10n.t('refused: {0}', v.text) };
    }
    case 'accepted':
      return { outcome: 'accepted', stale: v.stale, row: v.text };
    case 'unknown':
    case 'foreign':
      return { outcome: 'none' };
  }
}
