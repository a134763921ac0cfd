// How the diagnosis joins translated pieces into one text: sentences one after another, clauses of a list. Each
// joint is a message of its own, so that a language without spaces between sentences (Chinese) or with its own
// comma and semicolon joins them its way. Pure.
import * as l10n from '@vscode/l10n';

/** Sentences one after another (a space between them in English); empty parts are left out. */
export function sentences(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  return kept.length === 0 ? '' : kept.reduce((a, b) => l10n.t('{0} {1}', a, b));
}

/** Clauses of one list, `a, b, c`; empty for none. */
export function commaList(parts: readonly string[]): string {
  return parts.length === 0 ? '' : parts.reduce((a, b) => l10n.t('{0}, {1}', a, b));
}

/** Clauses of one list, `a; b; c`; empty for none. */
export function semicolonList(parts: readonly string[]): string {
  return parts.length === 0 ? '' : parts.reduce((a, b) => l10n.t('{0}; {1}', a, b));
}
