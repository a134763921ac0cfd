// The hover's first line for a service-account token: what the active context's API server would answer to it
// (diagnosis/tokenVerdict.ts), in the words of verdictText.ts. Pure: no vscode import.
import * as l10n from '@vscode/l10n';
import type { TokenVerdict } from '../../diagnosis/tokenVerdict';
import { escapeMarkdown } from './escape';
import { verdictParts } from './verdictText';

/** A paragraph, or '' when the token is not the context's to judge. */
export function verdictMarkdown(context: string, v: TokenVerdict): string {
  // The hover's own warning line says what stale means.
  const parts = verdictParts(context, v, false);
  if (parts === undefined) return '';
  return `$(${parts.icon}) **${escapeMarkdown(l10n.t('{0}:', parts.lead))}** ${escapeMarkdown(parts.body)}\n\n`;
}
