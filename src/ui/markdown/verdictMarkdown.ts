// The hover's first line for a service-account token: what the active context's API server would answer to it
// (diagnosis/tokenVerdict.ts). Pure: no vscode import.
import type { TokenVerdict } from '../../diagnosis/tokenVerdict';
import { escapeMarkdown } from './escape';

/** A paragraph, or '' when the token is not the context's to judge. */
export function verdictMarkdown(context: string, v: TokenVerdict): string {
  const where = `On context ${escapeMarkdown(context)}`;
  switch (v.outcome) {
    case 'accepted':
      // The hover's own warning line says what stale means.
      return v.stale ? `$(history) **${where}:** ${escapeMarkdown(v.acceptance)}, but stale\n\n` : `$(verified) **${where}:** ${escapeMarkdown(v.text)}\n\n`;
    case 'refused':
      return `$(error) **${where}, refused:** ${escapeMarkdown(v.text)}\n\n`;
    case 'unknown':
      return `$(question) **${where}:** ${escapeMarkdown(v.text)}\n\n`;
    case 'foreign':
      return '';
  }
}
