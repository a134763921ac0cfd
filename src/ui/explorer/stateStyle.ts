// How a credential state looks in the tree: a codicon and a tone. Presentation only; the state itself
// comes from token/expiry.
import type { SignatureCheck } from '../../cluster/inventory/types';
import type { Severity } from '../../diagnosis/severity';
import type { TokenVerdict } from '../../diagnosis/tokenVerdict';
import type { CredentialState } from '../../token/types';
import type { Tone } from './explorerNode';

const STATE_ICON: Record<CredentialState, { icon: string; tone: Tone; word: string }> = {
  valid: { icon: 'pass', tone: 'ok', word: 'valid' },
  expiring: { icon: 'warning', tone: 'warning', word: 'expiring' },
  stale: { icon: 'history', tone: 'warning', word: 'stale' },
  expired: { icon: 'error', tone: 'error', word: 'expired' },
  noExpiry: { icon: 'key', tone: 'info', word: 'no expiry' },
  notYetValid: { icon: 'clock', tone: 'warning', word: 'not yet valid' },
};

export function stateStyle(state: CredentialState): { icon: string; tone: Tone; word: string } {
  return STATE_ICON[state];
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
      return { text: 'signed by this cluster', tone: 'ok', icon: 'verified' };
    case 'notSigned':
      return { text: "not signed by this cluster's keys", tone: 'error', icon: 'unverified' };
    case 'unchecked':
      return { text: sig.httpStatus !== undefined ? `could not check (${sig.httpStatus})` : 'could not check', tone: 'muted', icon: 'question' };
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
      const why = v.text.replace(/^invalidated: /, '').replace(/: the API server refuses it$/, '');
      return { outcome: 'refused', words: `refused: ${why}`, row: `refused: ${v.text}` };
    }
    case 'accepted':
      return { outcome: 'accepted', stale: v.stale, row: v.text };
    case 'unknown':
    case 'foreign':
      return { outcome: 'none' };
  }
}
