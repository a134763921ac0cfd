// Durations of a year or more, said in years and months ("9 years 11 months", not "3649 days"), one rule for
// the host and the webview. A year is 365 days (kubeadm's certificates live 8760 h, its CAs 87600 h: "1 year",
// "10 years"), a month a twelfth of it. No vscode, no Node built-ins: the webview bundle compiles this file too.
// So the words come from the caller: the host's are `l10n.t`'s, the webview's those the host sent it.

export const YEAR_SECONDS = 365 * 86_400;
const MONTH_SECONDS = YEAR_SECONDS / 12;

/** How a caller says whole years and months (months 0 to 11), e.g. "1 year", "9 years 11 months". */
export type YearsAndMonthsWords = (years: number, months: number) => string;

/** The English words, for where no translation applies. */
export function englishYearsAndMonths(y: number, m: number): string {
  const years = y === 1 ? '1 year' : `${y} years`;
  if (m === 0) return years;
  return `${years} ${m} ${m === 1 ? 'month' : 'months'}`;
}

/** "1 year", "1 year 2 months", "9 years 11 months", rounded down; for durations of at least a year. */
export function yearsAndMonths(seconds: number, words: YearsAndMonthsWords = englishYearsAndMonths): string {
  const y = Math.floor(seconds / YEAR_SECONDS);
  const m = Math.floor((seconds - y * YEAR_SECONDS) / MONTH_SECONDS);
  return words(y, m);
}
