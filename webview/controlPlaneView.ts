// The "Control plane" section of a context's panel: the API server's token counters as rates per minute
// (stale, legacy and valid token use, failed authentications), each a small step sparkline with its latest value
// in words, and the refused credentials its own log counted; or the sentence saying why they are missing. What the
// host sends is checked here (a saved state of another version may hold anything), and every word goes in as text.
import { GAUGE_METRICS, type ApiserverLogCounts, type ControlPlaneGauge, type GaugeMetric, type GaugePoint } from '../src/shared/tokenHealthProtocol';
import { el, svg } from './dom';
import { formatDuration, formatUtcTime } from './format';
import { tr } from './strings';

function labelOf(metric: GaugeMetric): string {
  switch (metric) {
    case 'stale':
      return tr('Stale tokens used');
    case 'legacy':
      return tr('Legacy Secret tokens used');
    case 'valid':
      return tr('Valid projected tokens used');
    case 'failed':
      return tr('Failed authentications');
  }
}

function meaningOf(metric: GaugeMetric): string {
  switch (metric) {
    case 'stale':
      return tr('requests with a projected token past its warnafter: a client that never re-reads its token file');
    case 'legacy':
      return tr('requests with a token from a service-account token Secret');
    case 'valid':
      return tr('requests with a projected token before its warnafter');
    case 'failed':
      return tr('requests whose credential was refused or matched no authenticator');
  }
}

const WIDTH = 160;
const HEIGHT = 26;

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointOf(v: unknown): GaugePoint | undefined {
  if (!isRecord(v) || !isNumber(v.startMs) || !isNumber(v.endMs) || !(v.endMs > v.startMs) || !isRecord(v.perMinute)) return undefined;
  const perMinute: GaugePoint['perMinute'] = {};
  for (const m of GAUGE_METRICS) {
    const value = v.perMinute[m];
    if (isNumber(value) && value >= 0) perMinute[m] = value;
  }
  const point: GaugePoint = { startMs: v.startMs, endMs: v.endMs, perMinute };
  if (v.reset === true) point.reset = true;
  return point;
}

function logOf(v: unknown): ApiserverLogCounts | undefined {
  if (!isRecord(v) || !Array.isArray(v.pods) || !isNumber(v.sinceMs)) return undefined;
  const counts = [v.expired, v.invalidated, v.other, v.total];
  if (!counts.every((c) => isNumber(c) && c >= 0)) return undefined;
  const log: ApiserverLogCounts = {
    pods: v.pods.filter((p): p is string => typeof p === 'string'),
    expired: v.expired as number,
    invalidated: v.invalidated as number,
    other: v.other as number,
    total: v.total as number,
    sinceMs: v.sinceMs,
  };
  if (isNumber(v.lastMs)) log.lastMs = v.lastMs;
  if (typeof v.note === 'string') log.note = v.note;
  return log;
}

/** The gauge the host sent, with what cannot be drawn left out; undefined when it is not a gauge at all. */
export function readGauge(v: unknown): ControlPlaneGauge | undefined {
  if (!isRecord(v) || !isNumber(v.intervalSeconds) || !Array.isArray(v.points)) return undefined;
  const points = v.points.map(pointOf).filter((p): p is GaugePoint => p !== undefined);
  const gauge: ControlPlaneGauge = { intervalSeconds: v.intervalSeconds, points: points.sort((a, b) => a.startMs - b.startMs) };
  if (isNumber(v.lastSampleMs)) gauge.lastSampleMs = v.lastSampleMs;
  if (typeof v.metricsState === 'string') gauge.metricsState = v.metricsState;
  if (typeof v.apiserverLogState === 'string') gauge.apiserverLogState = v.apiserverLogState;
  const log = logOf(v.apiserverLog);
  if (log !== undefined) gauge.apiserverLog = log;
  return gauge;
}

/** `0`, `0.4`, `2.5`, `36`: one decimal below ten. */
export function formatRate(perMinute: number): string {
  if (perMinute >= 10) return String(Math.round(perMinute));
  const tenth = Math.round(perMinute * 10) / 10;
  return tenth === 0 && perMinute > 0 ? '< 0.1' : String(tenth);
}

/** The newest point that reports `metric`. */
export function latestOf(points: readonly GaugePoint[], metric: GaugeMetric): { point: GaugePoint; value: number } | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i];
    const value = point?.perMinute[metric];
    if (point !== undefined && value !== undefined) return { point, value };
  }
  return undefined;
}

/** The rate of one metric as steps over time (each span at its rate), gaps where the server did not report it. */
export function sparkline(points: readonly GaugePoint[], metric: GaugeMetric, label: string): SVGSVGElement {
  const root = svg('svg', { class: 'sparkline', width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label });
  const first = points[0];
  const last = points[points.length - 1];
  root.appendChild(svg('line', { class: 'spark-base', x1: 0, x2: WIDTH, y1: HEIGHT - 1, y2: HEIGHT - 1 }));
  if (first === undefined || last === undefined) return root;
  const t0 = first.startMs;
  const span = Math.max(1, last.endMs - t0);
  const max = Math.max(...points.map((p) => p.perMinute[metric] ?? 0), 1e-9);
  const x = (t: number): number => Math.round(((t - t0) / span) * WIDTH * 10) / 10;
  const y = (v: number): number => Math.round((HEIGHT - 2 - (v / max) * (HEIGHT - 4)) * 10) / 10;
  let d = '';
  let previous: GaugePoint | undefined;
  for (const p of points) {
    const v = p.perMinute[metric];
    if (v === undefined) {
      previous = undefined;
      continue;
    }
    d += `${previous !== undefined && previous.endMs === p.startMs ? 'L' : 'M'}${x(p.startMs)} ${y(v)} H${x(p.endMs)} `;
    previous = p;
    if (p.reset === true) {
      root.appendChild(
        svg('line', { class: 'spark-reset', x1: x(p.startMs), x2: x(p.startMs), y1: 0, y2: HEIGHT }, tr('a counter went down here: the API server restarted')),
      );
    }
  }
  if (d !== '') root.appendChild(svg('path', { class: `spark spark-${metric}`, d: d.trim() }));
  return root;
}

function rateRow(points: readonly GaugePoint[], metric: GaugeMetric, nowMs: number): HTMLElement {
  const latest = latestOf(points, metric);
  const first = points[0];
  const last = points[points.length - 1];
  const over = first !== undefined && last !== undefined ? formatDuration(last.endMs - first.startMs) : '';
  const values = points.flatMap((p) => (p.perMinute[metric] !== undefined ? [p.perMinute[metric]] : []));
  const name = labelOf(metric);
  const label =
    latest === undefined
      ? tr('{0}: not reported by this API server', name)
      : tr(
          '{0} per minute over {1}: from {2} to {3}, latest {4}',
          name,
          over,
          formatRate(Math.min(...values)),
          formatRate(Math.max(...values)),
          formatRate(latest.value),
        );
  const words =
    latest === undefined
      ? tr('not reported by this API server')
      : tr('{0} per minute ({1} to {2})', formatRate(latest.value), formatUtcTime(latest.point.startMs, nowMs), formatUtcTime(latest.point.endMs, nowMs));
  return el('li', {
    className: `cp-rate metric-${metric}`,
    attrs: { title: meaningOf(metric) },
    children: [el('span', { className: 'cp-label', text: name }), sparkline(points, metric, label), el('span', { className: 'cp-latest', text: words })],
  });
}

function logLine(log: ApiserverLogCounts, nowMs: number): HTMLElement {
  const pods = log.pods.join(', ');
  const refused = log.total === 1 ? tr('1 refused credential') : tr('{0} refused credentials', log.total);
  const counted =
    log.total === 0
      ? tr('no refused credential')
      : tr('{0}: {1} expired, {2} invalidated (pod or Secret gone), {3} other', refused, log.expired, log.invalidated, log.other);
  const last = log.lastMs !== undefined && log.total > 0 ? tr('; the last at {0}', formatUtcTime(log.lastMs, nowMs)) : '';
  return el('div', {
    className: 'cp-log',
    children: [
      el('p', { text: tr("The API server's own log ({0}) since {1}: {2}{3}.", pods, formatUtcTime(log.sinceMs, nowMs), counted, last) }),
      log.note !== undefined ? el('p', { className: 'detail', text: log.note }) : undefined,
    ],
  });
}

/** The section's content for what the host sent. */
export function renderControlPlane(v: unknown, nowMs: number): HTMLElement {
  const gauge = readGauge(v);
  if (gauge === undefined) return el('p', { className: 'empty', text: tr('Nothing to show of the control plane: press Refresh.') });
  const { points } = gauge;
  const resets = points.filter((p) => p.reset === true).length;
  const sampled =
    gauge.lastSampleMs !== undefined
      ? tr('Sampled every {0} s while this panel is open; last sample {1}.', gauge.intervalSeconds, formatUtcTime(gauge.lastSampleMs, nowMs))
      : undefined;
  return el('div', {
    className: 'control-plane',
    children: [
      gauge.metricsState !== undefined ? el('p', { className: 'cp-state', attrs: { role: 'status' }, text: gauge.metricsState }) : undefined,
      points.length > 0
        ? el('ul', {
            className: 'cp-rates',
            attrs: { 'aria-label': tr("The API server's token counters, per minute") },
            children: GAUGE_METRICS.map((m) => rateRow(points, m, nowMs)),
          })
        : undefined,
      sampled !== undefined || resets > 0
        ? el('p', {
            className: 'meta',
            text: [
              sampled,
              resets === 1
                ? tr('The API server restarted once meanwhile: its counters started again from zero.')
                : resets > 1
                  ? tr('The API server restarted {0} times meanwhile: its counters started again from zero.', resets)
                  : undefined,
            ]
              .filter((t) => t !== undefined)
              .join(' '),
          })
        : undefined,
      gauge.apiserverLog !== undefined ? logLine(gauge.apiserverLog, nowMs) : undefined,
      gauge.apiserverLogState !== undefined ? el('p', { className: 'cp-state', text: gauge.apiserverLogState }) : undefined,
    ],
  });
}
