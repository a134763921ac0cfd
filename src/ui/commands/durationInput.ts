// "10m", "1h", "2h30m", "1d", "3600" (seconds) → seconds, for Request Token's duration box.
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+[smhd])+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+)([smhd])/g)) total += Number(m[1]) * UNIT[m[2]];
  return total;
}

/** "2h30m" for 9000. */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  let out = '';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

/** Comma- or space-separated audiences, without blanks or repeats. */
export function parseAudiences(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((a) => a.trim())
        .filter((a) => a !== ''),
    ),
  ];
}
