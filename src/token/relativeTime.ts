import * as l10n from '@vscode/l10n';
import { YEAR_SECONDS as YEAR, yearsAndMonths } from '../shared/years';
import type { ExpiryInfo } from './types';

export type DurationStyle = 'long' | 'short';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The largest whole unit of a duration: what a short label shows. */
function largestUnit(seconds: number): { n: number; unit: 's' | 'min' | 'h' | 'd' | 'y' } {
  if (seconds < MINUTE) return { n: Math.floor(seconds), unit: 's' };
  if (seconds < HOUR) return { n: Math.floor(seconds / MINUTE), unit: 'min' };
  if (seconds < DAY) return { n: Math.floor(seconds / HOUR), unit: 'h' };
  if (seconds < YEAR) return { n: Math.floor(seconds / DAY), unit: 'd' };
  return { n: Math.floor(seconds / YEAR), unit: 'y' };
}

/** "1 year", "2 years 3 months": whole phrases, so each language orders and inflects its own. */
export function yearsAndMonthsWords(y: number, m: number): string {
  if (m === 0) return y === 1 ? l10n.t('1 year') : l10n.t('{0} years', y);
  if (y === 1) return m === 1 ? l10n.t('1 year 1 month') : l10n.t('1 year {0} months', m);
  return m === 1 ? l10n.t('{0} years 1 month', y) : l10n.t('{0} years {1} months', y, m);
}

/** `n` of a unit in a sentence: "42 s", "3 min", "5 h", "2 d", "9 y". */
function unitWords(n: number, unit: 's' | 'min' | 'h' | 'd' | 'y'): string {
  switch (unit) {
    case 's':
      return l10n.t('{0} s', n);
    case 'min':
      return l10n.t('{0} min', n);
    case 'h':
      return l10n.t('{0} h', n);
    case 'd':
      return l10n.t('{0} d', n);
    case 'y':
      return l10n.t('{0} y', n);
  }
}

function longDuration(seconds: number): string {
  if (seconds < MINUTE) return unitWords(Math.floor(seconds), 's');
  if (seconds < HOUR) return unitWords(Math.floor(seconds / MINUTE), 'min');
  if (seconds < DAY) {
    const h = Math.floor(seconds / HOUR);
    const m = Math.floor((seconds % HOUR) / MINUTE);
    return m === 0 ? unitWords(h, 'h') : l10n.t('{0} h {1} min', h, m);
  }
  if (seconds >= YEAR) return yearsAndMonths(seconds, yearsAndMonthsWords);
  const d = Math.floor(seconds / DAY);
  if (d >= 2) return l10n.t('{0} days', d);
  const h = Math.floor((seconds % DAY) / HOUR);
  return h === 0 ? l10n.t('1 day') : l10n.t('1 day {0} h', h);
}

/**
 * A duration, rounded down: long "42 min", "3 h 5 min", "1 day 4 h", "3 days", "1 year 2 months", "10 years";
 * short "42m", "3h", "2d", "9y". A year is 365 days, a month a twelfth of it.
 * The sign is ignored: callers phrase past and future. The short style is the same in every language (as kubectl's ages are).
 */
export function describeDuration(seconds: number, style: DurationStyle): string {
  const s = Number.isFinite(seconds) ? Math.abs(seconds) : 0;
  if (style === 'long') return longDuration(s);
  const { n, unit } = largestUnit(s);
  return `${n}${unit === 'min' ? 'm' : unit}`;
}

// Sentences read better with a space ("3 h"); tree labels want "3h" from describeDuration.
function sentenceDuration(seconds: number, style: DurationStyle): string {
  if (style === 'long') return longDuration(seconds);
  const { n, unit } = largestUnit(seconds);
  return unitWords(n, unit);
}

/** "expires in 42 min", "expired 3 days ago", "no expiry", "not valid for another 5 min". */
export function describeExpiry(info: ExpiryInfo, nowSeconds: number, style: DurationStyle): string {
  const now = Number.isFinite(nowSeconds) ? nowSeconds : 0;
  if (info.state === 'noExpiry' || (info.expiresAt === undefined && info.state !== 'notYetValid')) return l10n.t('no expiry');
  if (info.state === 'notYetValid' && info.notBefore !== undefined) {
    return l10n.t('not valid for another {0}', sentenceDuration(Math.max(0, info.notBefore - now), style));
  }
  if (info.expiresAt === undefined) return l10n.t('no expiry');
  const left = info.expiresAt - now;
  if (info.state === 'expired' || left <= 0) {
    const ago = -left;
    return ago < 1 ? l10n.t('expired just now') : l10n.t('expired {0} ago', sentenceDuration(ago, style));
  }
  return left < 1 ? l10n.t('expires now') : l10n.t('expires in {0}', sentenceDuration(left, style));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Minutes east of UTC of this machine's time zone at that instant (summer time included); 0 for an invalid time. */
export function localOffsetMinutes(seconds: number): number {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? 0 : -date.getTimezoneOffset() || 0;
}

/**
 * An instant both ways: `2026-11-22T03:06:37 UTC` and the local time with its offset, this machine's at that
 * instant unless `offsetMinutes` is given.
 */
export function formatInstant(seconds: number, offsetMinutes = localOffsetMinutes(seconds)): { utc: string; local: string } {
  const date = new Date(seconds * 1000);
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  if (!Number.isFinite(seconds) || Number.isNaN(shifted.getTime())) {
    const invalid = l10n.t('invalid time');
    return { utc: invalid, local: invalid };
  }
  const utc = `${date.toISOString().slice(0, 19)} UTC`;
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const local = `${shifted.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return { utc, local };
}

/**
 * The local time of an instant, only where it says more than UTC does: undefined where local time is UTC at
 * that instant (`offsetMinutes` as for formatInstant).
 */
export function localInstant(seconds: number, offsetMinutes = localOffsetMinutes(seconds)): string | undefined {
  return offsetMinutes === 0 ? undefined : formatInstant(seconds, offsetMinutes).local;
}
