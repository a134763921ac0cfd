// Times and durations as the panel writes them. Pure: tested in Node.
import { YEAR_SECONDS, yearsAndMonths } from '../src/shared/years';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-22 14:03:07`, local time: the table's time column (sortable as text). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** An axis label: the time of day, with the date when the step is a day or more, or at midnight. */
export function formatTick(ms: number, stepMs: number): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const date = `${MONTHS[d.getMonth()] ?? ''} ${d.getDate()}`;
  if (stepMs >= 24 * 3600_000) return date;
  if (d.getHours() === 0 && d.getMinutes() === 0) return `${date} ${time}`;
  return stepMs < 60_000 ? `${time}:${pad(d.getSeconds())}` : time;
}

/** `3 h 20 min`, `45 s`, `2 days`, `9 years 11 months`: two units at most. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s >= YEAR_SECONDS) return yearsAndMonths(s);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const days = Math.floor(h / 24);
  return h % 24 === 0 ? `${days} days` : `${days} days ${h % 24} h`;
}

/** `in 3 h`, `5 min ago`, relative to `nowMs`. */
export function formatRelative(ms: number, nowMs: number): string {
  const delta = ms - nowMs;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** An evidence line's time: a day (a label that records only the date) as that day, a moment as local time. */
export function formatEvidenceTime(e: { atMs: number; day?: string }): string {
  if (typeof e.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.day)) return `${e.day} (day, UTC)`;
  return formatTimestamp(e.atMs);
}

/** `14:03:07 UTC`, with the local time after it where it differs: `14:03:07 UTC (15:03:07 local)`; the date too when not today (UTC). */
export function formatUtcTime(ms: number, nowMs: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  const sameDay = new Date(nowMs).toISOString().slice(0, 10) === d.toISOString().slice(0, 10);
  const utc = `${sameDay ? '' : `${d.toISOString().slice(0, 10)} `}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  if (d.getTimezoneOffset() === 0) return utc;
  return `${utc} (${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} local)`;
}
