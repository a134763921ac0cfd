// The apiserver's token counters from `GET /metrics` (Prometheus text exposition), and their rates
// between two samples. A counter that went down restarted with the apiserver: its increase is then
// its new value, as Prometheus' rate() takes it.

export const STALE_TOKENS = 'serviceaccount_stale_tokens_total';
export const LEGACY_TOKENS = 'serviceaccount_legacy_tokens_total';
export const VALID_TOKENS = 'serviceaccount_valid_tokens_total';
export const AUTHENTICATION_ATTEMPTS = 'authentication_attempts';
export const TOKEN_METRICS: readonly string[] = [STALE_TOKENS, LEGACY_TOKENS, VALID_TOKENS, AUTHENTICATION_ATTEMPTS];

/** What RBAC must allow for the counters to be read. */
export const METRICS_PERMISSION = { verb: 'get', nonResourceURL: '/metrics' } as const;

export interface MetricSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricsSample {
  atMs: number;
  series: MetricSeries[];
  /** Lines of the wanted families that could not be read. */
  malformed: number;
}

export interface MetricRate {
  name: string;
  labels: Record<string, string>;
  /** How much the counter grew between the samples. */
  increase: number;
  perSecond: number;
  /** The counter went down: the apiserver restarted in between. */
  reset: boolean;
}

/** The counters the token findings use, read from one sample; undefined where the server has none. */
export interface TokenCounters {
  stale?: number;
  legacy?: number;
  valid?: number;
  /** authentication_attempts by result: success, failure (no credential matched), error (a credential was refused). */
  attempts: Record<string, number>;
}

const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;

/** `a="1",b="x\"y"`: Prometheus label pairs, with its three escapes. */
export function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === ',')) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    if (eq === -1) return undefined;
    const name = text.slice(i, eq).trim();
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || text[eq + 1] !== '"') return undefined;
    let value = '';
    let j = eq + 2;
    for (; j < n && text[j] !== '"'; j++) {
      if (text[j] === '\\' && j + 1 < n) {
        j++;
        const c = text[j];
        value += c === 'n' ? '\n' : (c ?? '');
      } else {
        value += text[j] ?? '';
      }
    }
    if (j >= n) return undefined;
    labels[name] = value;
    i = j + 1;
  }
  return labels;
}

function sampleValue(text: string): number | undefined {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

/** The series of the wanted families in a /metrics answer; comments and other families are skipped. */
export function parseMetrics(text: string, atMs: number, families: readonly string[] = TOKEN_METRICS): MetricsSample {
  const wanted = new Set(families);
  const sample: MetricsSample = { atMs, series: [], malformed: 0 };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const nameEnd = line.search(/[{\s]/);
    const name = nameEnd === -1 ? line : line.slice(0, nameEnd);
    if (!wanted.has(name)) continue;
    const m = SERIES.exec(line);
    const labels = m === null ? undefined : m[2] === undefined ? {} : parseLabels(m[2]);
    const value = m === null ? undefined : sampleValue(m[3] ?? '');
    if (labels === undefined || value === undefined) {
      sample.malformed++;
      continue;
    }
    sample.series.push({ name, labels, value });
  }
  return sample;
}

/** One key per series: its name and labels in name order. */
export function seriesKey(s: Pick<MetricSeries, 'name' | 'labels'>): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(',');
  return `${s.name}{${labels}}`;
}

/** Rates of every series present in both samples; a series new in `later` grew from zero. */
export function metricRates(earlier: MetricsSample, later: MetricsSample): MetricRate[] {
  const seconds = (later.atMs - earlier.atMs) / 1000;
  if (!(seconds > 0)) return [];
  const before = new Map(earlier.series.map((s) => [seriesKey(s), s.value]));
  return later.series.map((s) => {
    const previous = before.get(seriesKey(s)) ?? 0;
    const reset = s.value < previous;
    const increase = reset ? s.value : s.value - previous;
    return { name: s.name, labels: s.labels, increase, perSecond: increase / seconds, reset };
  });
}

function sumOf(sample: MetricsSample, name: string): number | undefined {
  const series = sample.series.filter((s) => s.name === name);
  return series.length === 0 ? undefined : series.reduce((total, s) => total + s.value, 0);
}

export function tokenCounters(sample: MetricsSample): TokenCounters {
  const counters: TokenCounters = { attempts: {} };
  const stale = sumOf(sample, STALE_TOKENS);
  if (stale !== undefined) counters.stale = stale;
  const legacy = sumOf(sample, LEGACY_TOKENS);
  if (legacy !== undefined) counters.legacy = legacy;
  const valid = sumOf(sample, VALID_TOKENS);
  if (valid !== undefined) counters.valid = valid;
  for (const s of sample.series) {
    if (s.name !== AUTHENTICATION_ATTEMPTS) continue;
    const result = s.labels.result ?? '';
    counters.attempts[result] = (counters.attempts[result] ?? 0) + s.value;
  }
  return counters;
}
