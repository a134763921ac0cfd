// Times and durations as the panel writes them. Pure: tested in Node.
import { YEAR_SECONDS, yearsAndMonths } from '../src/shared/years';
import { tr } from './strings';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-11-22 14:03:07`, local time: the table's time column (sortable as text). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "Nov 22": a month's day, each month a whole message (a language may put the day first, or words around it). */
function monthDay(month: number, day: number): string {
  switch (month) {
    case 0:
      return tr('Jan {0}', day);
    case 1:
      return tr('Feb {0}', day);
    case 2:
      return tr('Mar {0}', day);
    case 3:
      return tr('Apr {0}', day);
    case 4:
      return tr('May {0}', day);
    case 5:
      return tr('Jun {0}', day);
    case 6:
      return tr('Jul {0}', day);
    case 7:
      return tr('Aug {0}', day);
    case 8:
      return tr('Sep {0}', day);
    case 9:
      return tr('Oct {0}', day);
    case 10:
      return tr('Nov {0}', day);
    default:
      return tr('Dec {0}', day);
  }
}

/** An axis label: the time of day, with the date when the step is a day or more, or at midnight. */
export function formatTick(ms: number, stepMs: number): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const date = monthDay(d.getMonth(), d.getDate());
  if (stepMs >= 24 * 3600_000) return date;
  if (d.getHours() === 0 && d.getMinutes() === 0) return `${date} ${time}`;
  return stepMs < 60_000 ? `${time}:${pad(d.getSeconds())}` : time;
}

/** "1 year", "2 years 3 months", in the display language (src/token/relativeTime.ts says them so on the host). */
function yearsAndMonthsWords(y: number, m: number): string {
  if (m === 0) return y === 1 ? tr('1 year') : tr('{0} years', y);
  if (y === 1) return m === 1 ? tr('1 year 1 month') : tr('1 year {0} months', m);
  return m === 1 ? tr('{0} years 1 month', y) : tr('{0} years {1} months', y, m);
}

/** `3 h 20 min`, `45 s`, `2 days`, `9 years 11 months`: two units at most. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s >= YEAR_SECONDS) return yearsAndMonths(s, yearsAndMonthsWords);
  if (s < 60) return tr('{0} s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return tr('{0} min', m);
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? tr('{0} h', h) : tr('{0} h {1} min', h, m % 60);
  const days = Math.floor(h / 24);
  return h % 24 === 0 ? tr('{0} days', days) : tr('{0} days {1} h', days, h % 24);
}

/** `in 3 h`, `5 min ago`, relative to `nowMs`. */
export function formatRelative(ms: number, nowMs: number): string {
  const delta = ms - nowMs;
  if (Math.abs(delta) < 1000) return tr('now');
  return delta > 0 ? tr('in {0}', formatDuration(delta)) : tr('{0} ago', formatDuration(delta));
}

/** An evidence line's time: a day (a label that records only the date) as that day, a moment as local time. */
export function formatEvidenceTime(e: { atMs: number; day?: string }): string {
  if (typeof e.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.day)) return tr('{0} (day, UTC)', e.day);
  return formatTimestamp(e.atMs);
}

/** `14:03:07 UTC`, with the local time after it where it differs: `14:03:07 UTC (15:03:07 local)`; the date too when not today (UTC). */
export function formatUtcTime(ms: number, nowMs: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  const sameDay = new Date(nowMs).toISOString().slice(0, 10) === d.toISOString().slice(0, 10);
  const utc = `${sameDay ? '' : `${d.toISOString().slice(0, 10)} `}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  if (d.getTimezoneOffset() === 0) return utc;
  return tr('{0} ({1} local)', utc, `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`);
}
