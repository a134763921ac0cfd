// The time a log line was written, when it starts with one: `kubectl logs --timestamps` and the API's
// `timestamps=true` prefix RFC 3339 with nanoseconds; many apps start lines with their own stamp.

// 2026-11-22T03:40:01.123456789Z, 2026-11-22 03:40:01,123, [2026-11-22T03:40:01+01:00], 2026/11/22 03:40:01
const LEADING = /^\[?(\d{4})([-/])(\d{2})\2(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?(?![\d:])/;

/** Milliseconds since the epoch, or undefined. A stamp without a zone is read as UTC (the container default). */
export function leadingTimestamp(line: string): number | undefined {
  const m = LEADING.exec(line);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6], m[7]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const millis = m[8] ? Number(m[8].slice(0, 3).padEnd(3, '0')) : 0;
  let time = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  // Date.UTC rolls 31 February over into March: reject dates that do not exist.
  if (new Date(time).getUTCDate() !== day) return undefined;
  const zone = m[9];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    if (offsetMinutes > 18 * 60) return undefined;
    time -= sign * offsetMinutes * 60_000;
  }
  return time;
}
