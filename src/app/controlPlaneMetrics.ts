// The control plane's own gauge of token use, for the Token Health panel of the active context: the API
// server's `/metrics` token counters sampled on an interval (only while a panel holds the sampler, never in
// an untrusted workspace), kept over the history window, turned into per-minute rates; and, on the same
// rounds, the refused credentials its kube-apiserver pods log. A 403 is said once and not asked again
// until the session changes or the user refreshes.
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../cluster/auth/apiClient';
import type { InventorySnapshot } from '../cluster/inventory/types';
import { countAuthFailures, type AuthFailureCounts } from '../controlPlane/apiserverLog';
import { parseMetrics, type MetricsSample } from '../controlPlane/metrics';
import type { ApiserverLogCounts, ControlPlaneGauge } from '../shared/tokenHealthProtocol';
import { APISERVER_NAMESPACE, apiserverPods, gaugePoints, newLines, rateSpans, type LogPosition } from './controlPlaneSeries';
import { sentences } from '../diagnosis/wording';
import { Emitter, type Disposable, type Event } from './events';

export function noMetricsPermission(): string {
  return l10n.t(
    'No permission: get on the nonResourceURL /metrics (ClusterRole rule nonResourceURLs: ["/metrics"], verbs: ["get"]). Sampling stopped; bind such a role to your user and press Refresh.',
  );
}
export function metricsNotServed(): string {
  return l10n.t('The API server answered 404 for /metrics: it does not serve its metrics there. Sampling stopped; press Refresh to try again.');
}
export function noTokenCounters(): string {
  return l10n.t(
    "The API server's /metrics has none of the token counters (serviceaccount_stale_tokens_total, serviceaccount_legacy_tokens_total, serviceaccount_valid_tokens_total, authentication_attempts).",
  );
}
export function untrustedWorkspace(): string {
  return l10n.t(
    'Control-plane metrics are not sampled in an untrusted workspace: sampling asks the cluster for /metrics on an interval. Trust the workspace to see them.',
  );
}

/** Samples kept at most, whatever the history window (a week at one a minute). */
export const MAX_SAMPLES = 10_080;
/** Bytes of one kube-apiserver log read. */
export const LOG_LIMIT_BYTES = 1024 * 1024;
/** Log reads whose counts are kept at most. */
const MAX_LOG_READS = 2000;

/** A session's part the sampler uses; the app's SessionState fits. */
export interface GaugeSession {
  readonly session: { readonly context: string; readonly api: Pick<ApiClients, 'rawRequest'> };
  snapshot(): InventorySnapshot | undefined;
}

/** The active session, and an event when anything about it changes; ClusterState fits. */
export interface GaugeSessionSource {
  readonly current: GaugeSession | undefined;
  readonly onDidChange: Event<unknown>;
}

/** The extension's Settings fits. */
export interface GaugeSettings {
  /** `clusterCredentials.metrics.intervalSeconds` (at least 15). */
  readonly metricsIntervalSeconds: number;
  /** `clusterCredentials.history.maxDays`: how long samples are kept. */
  readonly historyMaxDays: number;
  readonly onDidChange: Event<unknown>;
}

export interface GaugeLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface ControlPlaneMetricsOptions {
  state: GaugeSessionSource;
  settings: GaugeSettings;
  /** Whether the workspace is trusted: nothing is sampled while it is not. */
  trusted: () => boolean;
  log?: GaugeLog;
  now?: () => number;
  /** Runs `round` every `everyMs` until disposed; setInterval when absent (tests drive it by hand). */
  schedule?: (round: () => void, everyMs: number) => Disposable;
}

/** The counts of one log read. */
interface LogRead {
  atMs: number;
  counts: AuthFailureCounts;
}

/** Everything sampled for one session; made anew when the session changes. */
class SessionSamples {
  readonly abort = new AbortController();
  readonly samples: MetricsSample[] = [];
  metricsProblem: string | undefined;
  /** A 403 or 404: no more requests until the session changes or the user asks. */
  metricsStopped = false;
  lastAttemptMs: number | undefined;
  readonly logReads: LogRead[] = [];
  readonly positions = new Map<string, LogPosition>();
  logProblem: string | undefined;
  logStopped = false;
  logNote: string | undefined;
  logPods: string[] = [];
  logSinceMs: number | undefined;
  /** The last sentence logged for each source, so a repeated failure is logged once. */
  readonly said = new Map<string, string>();
  running: Promise<void> | undefined;

  constructor(readonly owner: GaugeSession['session']) {}
}

export class ControlPlaneMetrics implements Disposable {
  private readonly changed = new Emitter<void>();
  /** New samples, a new state sentence, or sampling started or stopped. */
  readonly onDidChange: Event<void> = this.changed.event;
  /** Open panels by context. */
  private readonly holders = new Map<string, number>();
  private record: SessionSamples | undefined;
  private timer: Disposable | undefined;
  private timerMs = 0;
  private readonly now: () => number;
  private readonly subscriptions: Disposable[];
  private disposed = false;

  constructor(private readonly opts: ControlPlaneMetricsOptions) {
    this.now = opts.now ?? Date.now;
    this.subscriptions = [opts.state.onDidChange(() => this.follow()), opts.settings.onDidChange(() => this.follow())];
    this.follow();
  }

  /** A panel of `context` is open: sample while it is the active context. Dispose when the panel closes. */
  acquire(context: string): Disposable {
    this.holders.set(context, (this.holders.get(context) ?? 0) + 1);
    this.follow();
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        const n = (this.holders.get(context) ?? 1) - 1;
        if (n > 0) this.holders.set(context, n);
        else this.holders.delete(context);
        this.follow();
      },
    };
  }

  /** The user asked (Refresh): a stopped source is asked again, now. */
  retry(): Promise<void> {
    const record = this.record;
    if (record === undefined) return Promise.resolve();
    record.metricsStopped = false;
    record.logStopped = false;
    return this.sample();
  }

  /** One round now, when sampling is on; the round in flight when one runs. */
  sample(): Promise<void> {
    const record = this.record;
    if (record === undefined || !this.active()) return Promise.resolve();
    record.running ??= this.round(record).finally(() => {
      record.running = undefined;
    });
    return record.running;
  }

  /** What a panel of `context` shows. */
  gauge(context: string): ControlPlaneGauge {
    const intervalSeconds = this.intervalSeconds();
    const gauge: ControlPlaneGauge = { intervalSeconds, points: [] };
    const record = this.record;
    if (!this.opts.trusted()) {
      gauge.metricsState = untrustedWorkspace();
      return gauge;
    }
    if (record === undefined || record.owner.context !== context) {
      gauge.metricsState =
        record === undefined
          ? l10n.t('The control plane is sampled for the active context only, and none is active.')
          : l10n.t('The control plane is sampled for the active context only ({0}).', record.owner.context);
      return gauge;
    }
    gauge.points = gaugePoints(rateSpans(record.samples));
    const last = record.samples[record.samples.length - 1];
    if (last !== undefined) gauge.lastSampleMs = last.atMs;
    const waiting =
      record.samples.length === 0
        ? l10n.t('Sampling /metrics: the first rates come {0} s after the first sample (clusterCredentials.metrics.intervalSeconds).', intervalSeconds)
        : record.samples.length === 1
          ? l10n.t('One sample of /metrics so far: the first rates come with the next, {0} s after it.', intervalSeconds)
          : undefined;
    const metricsState = record.metricsProblem ?? waiting;
    if (metricsState !== undefined) gauge.metricsState = metricsState;
    if (record.logProblem !== undefined) gauge.apiserverLogState = record.logProblem;
    if (record.logSinceMs !== undefined && record.logPods.length > 0) gauge.apiserverLog = this.logCounts(record, record.logSinceMs);
    return gauge;
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.stopTimer();
    this.record?.abort.abort();
    this.record = undefined;
    this.changed.dispose();
  }

  private intervalSeconds(): number {
    const s = this.opts.settings.metricsIntervalSeconds;
    return Number.isFinite(s) ? Math.max(15, s) : 60;
  }

  private windowMs(): number {
    return Math.max(1, this.opts.settings.historyMaxDays) * 24 * 3600_000;
  }

  /** A panel of the active context is open, in a trusted workspace. */
  private active(): boolean {
    const record = this.record;
    return !this.disposed && record !== undefined && this.opts.trusted() && (this.holders.get(record.owner.context) ?? 0) > 0;
  }

  /** Follows the session, the settings, trust and the holders: sampling on or off, at what interval. */
  private follow(): void {
    if (this.disposed) return;
    const current = this.opts.state.current?.session;
    let news = false;
    if (current !== this.record?.owner) {
      this.record?.abort.abort();
      this.record = current === undefined ? undefined : new SessionSamples(current);
      news = true;
    }
    const wasOn = this.timer !== undefined;
    if (!this.active()) {
      this.stopTimer();
      if (news || wasOn) this.changed.fire();
      return;
    }
    const ms = this.intervalSeconds() * 1000;
    // A new session is sampled at once, on its own interval; a new interval starts from now.
    if (news || !wasOn || this.timerMs !== ms) {
      this.stopTimer();
      this.timer = (this.opts.schedule ?? everyMs)(() => void this.sample(), ms);
      this.timerMs = ms;
      const last = this.record?.lastAttemptMs;
      if (last === undefined || this.now() - last >= ms) void this.sample();
    }
    if (news || !wasOn) this.changed.fire();
  }

  private stopTimer(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private async round(record: SessionSamples): Promise<void> {
    record.lastAttemptMs = this.now();
    await Promise.all([this.sampleMetrics(record), this.sampleLogs(record)]);
    if (record === this.record && !this.disposed) this.changed.fire();
  }

  private async sampleMetrics(record: SessionSamples): Promise<void> {
    if (record.metricsStopped) return;
    const res = await record.owner.api.rawRequest('/metrics', {
      // The exposition format is text; the API server also serves it to Accept: */*.
      headers: { Accept: 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1' },
      signal: record.abort.signal,
      about: { verb: 'get', resource: 'the nonResourceURL /metrics' },
    });
    if (record.abort.signal.aborted) return;
    const atMs = this.now();
    if (res.ok) {
      const sample = parseMetrics(res.body, atMs);
      record.samples.push(sample);
      const oldest = atMs - this.windowMs();
      while (record.samples.length > MAX_SAMPLES || (record.samples[0]?.atMs ?? atMs) < oldest) record.samples.shift();
      record.metricsProblem = sample.series.length === 0 ? noTokenCounters() : undefined;
      this.say(record, 'metrics', record.metricsProblem, 'warn');
      return;
    }
    if (res.status === 403 || res.status === 404) {
      record.metricsStopped = true;
      record.metricsProblem = res.status === 403 ? noMetricsPermission() : metricsNotServed();
      this.say(record, 'metrics', record.metricsProblem, 'info');
      return;
    }
    record.metricsProblem = l10n.t('Could not read /metrics: {0}', res.error.message);
    this.say(record, 'metrics', record.metricsProblem, 'warn');
  }

  /** The refused credentials the kube-apiserver pods logged since the last round (the history window the first time). */
  private async sampleLogs(record: SessionSamples): Promise<void> {
    if (record.logStopped) return;
    const session = this.opts.state.current;
    if (session?.session !== record.owner) return;
    const found = apiserverPods(session.snapshot());
    if (typeof found === 'string') {
      record.logProblem = found;
      record.logPods = [];
      return;
    }
    const now = this.now();
    record.logSinceMs ??= now - this.windowMs();
    const read: string[] = [];
    const problems: string[] = [];
    const notes: string[] = [];
    for (const { pod, container } of found) {
      const position = record.positions.get(pod.uid) ?? { atLast: 0 };
      const fromMs = position.lastLineMs ?? record.logSinceMs;
      const sinceSeconds = Math.max(1, Math.ceil((now - fromMs) / 1000) + 1);
      const query = new URLSearchParams({ container, timestamps: 'true', limitBytes: String(LOG_LIMIT_BYTES), sinceSeconds: String(sinceSeconds) });
      const res = await record.owner.api.rawRequest(`/api/v1/namespaces/${APISERVER_NAMESPACE}/pods/${encodeURIComponent(pod.name)}/log?${query.toString()}`, {
        headers: { Accept: 'text/plain, */*' },
        signal: record.abort.signal,
        about: { verb: 'get', resource: 'pods/log', namespace: APISERVER_NAMESPACE, name: pod.name },
      });
      if (record.abort.signal.aborted) return;
      const about = `${APISERVER_NAMESPACE}/${pod.name}`;
      if (!res.ok) {
        if (res.status === 403) {
          record.logStopped = true;
          record.logPods = [];
          record.logProblem = l10n.t(
            "No permission to read the log of {0} (get on pods/log in kube-system): the API server's own count of refused credentials is not shown. Press Refresh after you are granted it.",
            about,
          );
          this.say(record, 'log', record.logProblem, 'info');
          return;
        }
        problems.push(l10n.t('Could not read the log of {0}: {1}', about, res.error.message));
        continue;
      }
      const truncated = Buffer.byteLength(res.body) >= LOG_LIMIT_BYTES;
      if (truncated)
        notes.push(
          l10n.t(
            'The log of {0} since the last read is over {1} MiB: its first MiB was counted, the rest comes with the next samples.',
            about,
            LOG_LIMIT_BYTES / 1024 / 1024,
          ),
        );
      read.push(`${APISERVER_NAMESPACE}/${pod.name}`);
      const lines = newLines(res.body, truncated, position);
      record.positions.set(pod.uid, position);
      const counts = countAuthFailures(lines, now);
      if (counts.total > 0) record.logReads.push({ atMs: now, counts });
    }
    const oldest = now - this.windowMs();
    const reads = record.logReads;
    while (reads.length > MAX_LOG_READS) reads.shift();
    while (reads[0] !== undefined && (reads[0].counts.lastMs ?? reads[0].atMs) < oldest) reads.shift();
    record.logPods = read;
    record.logProblem = problems.length > 0 ? sentences(...problems) : undefined;
    record.logNote = notes.length > 0 ? sentences(...notes) : undefined;
    this.say(record, 'log', record.logProblem, 'warn');
  }

  private logCounts(record: SessionSamples, sinceMs: number): ApiserverLogCounts {
    const oldest = Math.max(sinceMs, this.now() - this.windowMs());
    const counts: ApiserverLogCounts = { pods: [...record.logPods], expired: 0, invalidated: 0, other: 0, total: 0, sinceMs: oldest };
    for (const read of record.logReads) {
      counts.expired += read.counts.expired;
      counts.invalidated += read.counts.invalidated;
      counts.other += read.counts.other;
      counts.total += read.counts.total;
      const last = read.counts.lastMs;
      if (last !== undefined && (counts.lastMs === undefined || last > counts.lastMs)) counts.lastMs = last;
    }
    if (record.logNote !== undefined) counts.note = record.logNote;
    return counts;
  }

  /** Logs a source's sentence when it changed: a failure that repeats every round is said once. */
  private say(record: SessionSamples, source: string, sentence: string | undefined, level: 'info' | 'warn'): void {
    if (record.said.get(source) === (sentence ?? '')) return;
    record.said.set(source, sentence ?? '');
    if (sentence !== undefined) this.opts.log?.[level](`Token Health, control plane (${record.owner.context}): ${sentence}`);
  }
}

function everyMs(round: () => void, ms: number): Disposable {
  const handle = setInterval(round, ms);
  return { dispose: () => clearInterval(handle) };
}
