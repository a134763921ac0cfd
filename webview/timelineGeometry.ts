// The timeline as SVG geometry: one time axis, one row per lane, each token's window as segments
// (issued → kubelet refresh point → warnafter → expiry), refreshes, 401 markers (the app's log lines, and
// ranges of the API server's audit log by caller) and a now line.
// Pure: no DOM, tested in Node; timelineView.ts turns it into SVG elements.
import { refreshedByKubelet, type AuditUnauthorizedRange, type Timeline, type TokenWindow, type VerdictTone } from '../src/diagnosis/timeline';
import { formatDuration, formatTick, formatTimestamp } from './format';
import { tr } from './strings';

export interface GeometryOptions {
  /** Total width in px. */
  width: number;
  /** Width of the lane labels on the left. */
  labelWidth?: number;
  /** Height of one window bar; overlapping windows in a lane stack. */
  barHeight?: number;
  /** Height of a row without windows (401 markers only). */
  markerRowHeight?: number;
  axisHeight?: number;
  /** Label for an axis tick; local time by default. */
  tickLabel?: (ms: number, stepMs: number) => string;
}

/**
 * fresh: before the kubelet refresh point; due: refresh point → warnafter (or expiry); stale: warnafter → expiry;
 * notRefreshed: a token nothing refreshes (requested, kubeconfig), issued → warnafter (or expiry).
 */
export type PhaseKind = 'fresh' | 'due' | 'stale' | 'notRefreshed' | 'unbounded';

/** Only a token file the kubelet projects is refreshed: a requested or kubeconfig token keeps its window until it expires. */
export function isKubeletRefreshed(w: TokenWindow): boolean {
  return refreshedByKubelet(w.source);
}

export interface Segment {
  x0: number;
  x1: number;
  y: number;
  height: number;
  phase: PhaseKind;
  /** The window reaches past the right edge of the axis (a one-year expiry, say). */
  clippedRight: boolean;
  fingerprint: string;
  title: string;
}

export type TickKind = 'issued' | 'refreshAt' | 'warnAfter' | 'expiry';

export interface WindowTick {
  x: number;
  y: number;
  height: number;
  kind: TickKind;
  title: string;
}

/** The span over which a token was actually observed. */
export interface SeenSpan {
  x0: number;
  x1: number;
  y: number;
  fingerprint: string;
  title: string;
}

export interface RefreshLine {
  x: number;
  y0: number;
  y1: number;
  late: boolean;
  title: string;
}

export interface Marker {
  x: number;
  y: number;
  count: number;
  title: string;
}

/** 401s of one caller in the API server's audit log: a bar from its first refused request to its last. */
export interface AuditRange {
  x0: number;
  x1: number;
  y: number;
  requests: number;
  podDeleted: boolean;
  title: string;
}

export interface Row {
  lane: string;
  label: string;
  y: number;
  height: number;
  /** Rows whose only content is 401 markers. */
  eventsOnly: boolean;
  /** The verdict on the lane's newest token, when the host judged it. */
  verdict?: VerdictTone;
}

export interface AxisTick {
  x: number;
  label: string;
}

export interface TimelineGeometry {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  plotTop: number;
  plotBottom: number;
  /** The axis after padding, in ms. */
  startMs: number;
  endMs: number;
  rows: Row[];
  segments: Segment[];
  windowTicks: WindowTick[];
  seen: SeenSpan[];
  refreshes: RefreshLine[];
  markers: Marker[];
  auditRanges: AuditRange[];
  axis: AxisTick[];
  nowX: number | undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [10_000, 30_000, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 30 * DAY];
const ROW_GAP = 6;
const RIGHT_MARGIN = 12;

/** The axis padded by 3 % each side, and at least a minute wide. */
export function paddedRange(startMs: number, endMs: number): { startMs: number; endMs: number } {
  const lo = Math.min(startMs, endMs);
  const hi = Math.max(startMs, endMs);
  const span = Math.max(hi - lo, MINUTE);
  const mid = (lo + hi) / 2;
  const half = (span / 2) * 1.06;
  return { startMs: Math.floor(mid - half), endMs: Math.ceil(mid + half) };
}

/** A step from STEPS giving at most `maxTicks` ticks over the range. */
export function tickStep(span: number, maxTicks: number): number {
  for (const s of STEPS) if (span / s <= Math.max(1, maxTicks)) return s;
  return Math.ceil(span / Math.max(1, maxTicks) / DAY) * DAY;
}

/**
 * Greedy interval packing: the slot of each [from, to] interval so that intervals in one slot do
 * not overlap. Intervals must come sorted by `from`.
 */
export function packSlots(intervals: readonly { from: number; to: number }[]): number[] {
  const slotEnds: number[] = [];
  return intervals.map(({ from, to }) => {
    let slot = slotEnds.findIndex((end) => end <= from);
    if (slot < 0) {
      slot = slotEnds.length;
      slotEnds.push(to);
    } else slotEnds[slot] = to;
    return slot;
  });
}

const DEFAULT_TOKEN_PATH = ' /var/run/secrets/kubernetes.io/serviceaccount/token';

/** A lane's label: the default token path left out (the tooltip has it), the middle cut when long. */
export function laneLabel(lane: string, maxChars: number): string {
  const text = lane.endsWith(DEFAULT_TOKEN_PATH) ? lane.slice(0, -DEFAULT_TOKEN_PATH.length) : lane;
  if (text.length <= maxChars) return text;
  // Keep both ends: the namespace/pod prefix and the pod's unique suffix or container.
  const head = Math.ceil((maxChars - 1) * 0.6);
  const tail = Math.max(1, maxChars - 1 - head);
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/** When the window starts and ends on the axis, for packing and for drawing. */
function windowBounds(w: TokenWindow): { from: number; to: number } {
  const from = Math.min(w.issuedAtMs ?? w.firstSeenMs, w.firstSeenMs);
  const to = Math.max(w.expiresAtMs ?? w.lastSeenMs, w.lastSeenMs);
  return { from, to };
}

function windowTitle(w: TokenWindow): string {
  const parts = [tr('Token {0}', w.fingerprint), w.lane];
  const verdict = w.verdict?.text;
  if (typeof verdict === 'string') parts.push(verdict);
  parts.push(tr('source: {0}', w.source));
  if (w.jti !== undefined) parts.push(`jti ${w.jti}`);
  if (w.issuedAtMs !== undefined) parts.push(tickName('issued', formatTimestamp(w.issuedAtMs)));
  if (w.refreshAtMs !== undefined && isKubeletRefreshed(w)) parts.push(tickName('refreshAt', formatTimestamp(w.refreshAtMs)));
  if (!isKubeletRefreshed(w)) parts.push(tr('nothing refreshes it: it is valid until it expires'));
  if (w.warnAfterMs !== undefined) parts.push(tickName('warnAfter', formatTimestamp(w.warnAfterMs)));
  parts.push(w.expiresAtMs !== undefined ? tr('expires {0}', formatTimestamp(w.expiresAtMs)) : tr('no expiry'));
  parts.push(tr('seen {0} → {1}', formatTimestamp(w.firstSeenMs), formatTimestamp(w.lastSeenMs)));
  if (w.issuedAtMs !== undefined && w.expiresAtMs !== undefined) parts.push(tr('lifetime {0}', formatDuration(w.expiresAtMs - w.issuedAtMs)));
  return parts.join('\n');
}

/** A moment of a token's window and when it is: "issued 2026-11-22 14:03:07". */
function tickName(kind: TickKind, time: string): string {
  switch (kind) {
    case 'issued':
      return tr('issued {0}', time);
    case 'refreshAt':
      return tr('kubelet refresh point {0}', time);
    case 'warnAfter':
      return tr('warnafter {0}', time);
    case 'expiry':
      return tr('expiry {0}', time);
  }
}

/** The phases of one window, in time order, each [from, to) in ms; empty phases are left out. */
export function windowPhases(w: TokenWindow): { from: number; to: number; phase: PhaseKind }[] {
  const start = w.issuedAtMs ?? w.firstSeenMs;
  if (w.expiresAtMs === undefined) {
    return [{ from: start, to: Math.max(w.lastSeenMs, start), phase: 'unbounded' }];
  }
  const end = w.expiresAtMs;
  const refreshed = isKubeletRefreshed(w);
  const cuts: { at: number; phase: PhaseKind }[] = [{ at: start, phase: refreshed ? 'fresh' : 'notRefreshed' }];
  if (refreshed && w.refreshAtMs !== undefined) cuts.push({ at: w.refreshAtMs, phase: 'due' });
  if (w.warnAfterMs !== undefined && w.warnAfterMs < end) cuts.push({ at: w.warnAfterMs, phase: 'stale' });
  const ordered = cuts.filter((c) => c.at >= start && c.at <= end).sort((a, b) => a.at - b.at);
  const phases: { from: number; to: number; phase: PhaseKind }[] = [];
  ordered.forEach((c, i) => {
    const next = ordered[i + 1];
    const to = next ? next.at : end;
    if (to > c.at) phases.push({ from: c.at, to, phase: c.phase });
  });
  return phases;
}

/**
 * Lanes in display order: the model's order, except that a pod's 401-only lane comes right after
 * that pod's token lanes, so its markers sit under the tokens they concern.
 */
export function orderLanes(t: Timeline): string[] {
  const tokenLanes = t.lanes.filter((l) => t.windows.some((w) => w.lane === l));
  const eventLanes = t.lanes.filter((l) => !tokenLanes.includes(l));
  const out: string[] = [];
  for (const lane of tokenLanes) {
    out.push(lane);
    const group = t.windows.find((w) => w.lane === lane)?.group;
    const isLastOfGroup =
      group !== undefined && !tokenLanes.slice(tokenLanes.indexOf(lane) + 1).some((l) => t.windows.some((w) => w.lane === l && w.group === group));
    if (isLastOfGroup && eventLanes.includes(group) && !out.includes(group)) out.push(group);
  }
  for (const lane of eventLanes) if (!out.includes(lane)) out.push(lane);
  return out;
}

/** Room for the longest label, within 160 px and a third of the width. */
function fitLabelWidth(lanes: readonly string[], width: number): number {
  const longest = Math.max(0, ...lanes.map((l) => laneLabel(l, 1000).length + 6));
  return Math.round(Math.min(Math.max(160, longest * 6.6 + 16), Math.max(160, width / 3)));
}

export function layoutTimeline(t: Timeline, opts: GeometryOptions): TimelineGeometry {
  const lanes = orderLanes(t);
  const labelWidth = opts.labelWidth ?? fitLabelWidth(lanes, opts.width);
  const barHeight = opts.barHeight ?? 12;
  const markerRowHeight = opts.markerRowHeight ?? 18;
  const axisHeight = opts.axisHeight ?? 24;
  const tickLabel = opts.tickLabel ?? formatTick;
  const width = Math.max(opts.width, labelWidth + 120);
  const plotLeft = labelWidth;
  const plotRight = width - RIGHT_MARGIN;
  const { startMs: start, endMs: end } = paddedRange(t.startMs, t.endMs);
  const x = (ms: number): number => plotLeft + ((ms - start) / (end - start)) * (plotRight - plotLeft);
  const clampX = (ms: number): number => Math.min(plotRight, Math.max(plotLeft, x(ms)));

  const segments: Segment[] = [];
  const windowTicks: WindowTick[] = [];
  const seen: SeenSpan[] = [];
  const rows: Row[] = [];
  const rowOf = new Map<string, Row>();
  const slotYs = new Map<TokenWindow, number>();
  const maxLabelChars = Math.max(8, Math.floor((labelWidth - 12) / 6.6));

  let y = axisHeight + ROW_GAP;
  for (const lane of lanes) {
    const windows = t.windows.filter((w) => w.lane === lane).sort((a, b) => windowBounds(a).from - windowBounds(b).from);
    const slots = packSlots(windows.map(windowBounds));
    const slotCount = slots.length === 0 ? 0 : Math.max(...slots) + 1;
    const height = slotCount === 0 ? markerRowHeight : slotCount * (barHeight + 4);
    const eventsOnly = windows.length === 0;
    const row: Row = { lane, label: laneLabel(eventsOnly ? `${lane} · 401` : lane, maxLabelChars), y, height, eventsOnly };
    const newest = windows.reduce<TokenWindow | undefined>((a, w) => (a === undefined || w.firstSeenMs >= a.firstSeenMs ? w : a), undefined);
    const tone = newest?.verdict?.tone;
    if (tone === 'refused' || tone === 'stale' || tone === 'accepted' || tone === 'unknown') row.verdict = tone;
    rows.push(row);
    rowOf.set(lane, row);
    windows.forEach((w, i) => slotYs.set(w, y + (slots[i] ?? 0) * (barHeight + 4) + 2));
    y += height + ROW_GAP;
  }
  const plotTop = axisHeight;
  const plotBottom = Math.max(y, plotTop + markerRowHeight + ROW_GAP);

  for (const w of t.windows) {
    const top = slotYs.get(w);
    if (top === undefined) continue;
    const title = windowTitle(w);
    for (const p of windowPhases(w)) {
      if (p.to < start || p.from > end) continue;
      const x0 = clampX(p.from);
      const x1 = clampX(p.to);
      segments.push({ x0, x1: Math.max(x1, x0 + 1), y: top, height: barHeight, phase: p.phase, clippedRight: p.to > end, fingerprint: w.fingerprint, title });
    }
    const marks: [TickKind, number | undefined][] = [
      ['issued', w.issuedAtMs],
      ['refreshAt', isKubeletRefreshed(w) ? w.refreshAtMs : undefined],
      ['warnAfter', w.warnAfterMs],
      ['expiry', w.expiresAtMs],
    ];
    for (const [kind, at] of marks) {
      if (at === undefined || at < start || at > end) continue;
      windowTicks.push({ x: x(at), y: top - 2, height: barHeight + 4, kind, title: `${tickName(kind, formatTimestamp(at))} · ${w.fingerprint}` });
    }
    seen.push({
      x0: clampX(w.firstSeenMs),
      x1: Math.max(clampX(w.lastSeenMs), clampX(w.firstSeenMs) + 2),
      y: top + barHeight / 2,
      fingerprint: w.fingerprint,
      title: tr('{0} observed {1} → {2}', w.fingerprint, formatTimestamp(w.firstSeenMs), formatTimestamp(w.lastSeenMs)),
    });
  }

  const refreshes: RefreshLine[] = [];
  for (const r of t.refreshes) {
    const row = rowOf.get(r.lane);
    if (row === undefined || r.atMs < start || r.atMs > end) continue;
    refreshes.push({
      x: x(r.atMs),
      y0: row.y,
      y1: row.y + row.height,
      late: r.late,
      title: r.late
        ? tr('Late refresh {0}: {1} → {2}', formatTimestamp(r.atMs), r.fromFingerprint, r.toFingerprint)
        : tr('Refresh {0}: {1} → {2}', formatTimestamp(r.atMs), r.fromFingerprint, r.toFingerprint),
    });
  }

  const markers: Marker[] = [];
  for (const m of t.unauthorized) {
    const row = rowOf.get(m.lane);
    if (row === undefined || m.atMs < start || m.atMs > end) continue;
    markers.push({
      x: x(m.atMs),
      y: row.y + row.height / 2,
      count: m.count,
      title: `401 ${formatTimestamp(m.atMs)}${m.count > 1 ? ` ×${m.count}` : ''} · ${m.pattern}\n${m.line}`,
    });
  }

  const auditRanges: AuditRange[] = [];
  for (const a of t.auditUnauthorized ?? []) {
    const row = rowOf.get(a.lane);
    if (row === undefined || a.lastSeenMs < start || a.firstSeenMs > end) continue;
    const x0 = clampX(a.firstSeenMs);
    auditRanges.push({
      x0,
      x1: Math.max(clampX(a.lastSeenMs), x0 + 3),
      y: row.y + row.height / 2,
      requests: a.requests,
      podDeleted: a.podDeleted === true,
      title: auditRangeTitle(a),
    });
  }

  const step = tickStep(end - start, Math.floor((plotRight - plotLeft) / 110));
  const axis: AxisTick[] = [];
  // Ticks on local-time multiples of the step (days at local midnight).
  const offset = new Date(start).getTimezoneOffset() * MINUTE;
  for (let tick = Math.ceil((start - offset) / step) * step + offset; tick <= end; tick += step) {
    axis.push({ x: x(tick), label: tickLabel(tick, step) });
  }

  const nowX = t.nowMs >= start && t.nowMs <= end ? x(t.nowMs) : undefined;
  return {
    width,
    height: plotBottom + 4,
    plotLeft,
    plotRight,
    plotTop,
    plotBottom,
    startMs: start,
    endMs: end,
    rows,
    segments,
    windowTicks,
    seen,
    refreshes,
    markers,
    auditRanges,
    axis,
    nowX,
  };
}

/** The tooltip of an audit 401 range: it says where it comes from, so it is not taken for the app's own log lines. */
export function auditRangeTitle(a: AuditUnauthorizedRange): string {
  const n = a.requests === 1 ? tr('1 request') : tr('{0} requests', a.requests.toLocaleString('en-US'));
  const pod = `${a.subject.namespace ?? ''}/${a.subject.pod ?? ''}`;
  const lines = [
    tr("401 in the API server's audit log: {0} refused", n),
    tr(
      'from {0}, {1}',
      a.sourceIP !== '' ? a.sourceIP : tr('an address the audit log does not give'),
      a.userAgent !== '' ? tr('user agent {0}', a.userAgent) : tr('no user agent'),
    ),
    a.podDeleted === true ? tr('the address of pod {0}, deleted since', pod) : tr('the address of pod {0}', pod),
    a.firstSeenMs === a.lastSeenMs
      ? tr('at {0}', formatTimestamp(a.firstSeenMs))
      : tr('first {0}, last {1}', formatTimestamp(a.firstSeenMs), formatTimestamp(a.lastSeenMs)),
  ];
  return lines.join('\n');
}
