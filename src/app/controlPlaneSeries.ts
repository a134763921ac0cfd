// The arithmetic of the control plane's gauge, pure: per-minute rates between samples of the API server's token
// counters (a counter that went down is a restart: its new value is the increase, as Prometheus' rate() takes it),
// merged into at most so many points; where the kube-apiserver pods are; and which lines of a read of their log
// were not counted before.
import * as l10n from '@vscode/l10n';
import type { InventorySnapshot, PodItem } from '../cluster/inventory/types';
import { AUTHENTICATION_ATTEMPTS, LEGACY_TOKENS, metricRates, STALE_TOKENS, VALID_TOKENS, type MetricsSample } from '../controlPlane/metrics';
import { GAUGE_METRICS, type GaugeMetric, type GaugePoint } from '../shared/tokenHealthProtocol';

/** Points the panel is sent at most; more are merged. */
export const MAX_POINTS = 120;
export const APISERVER_NAMESPACE = 'kube-system';
const APISERVER_PREFIX = 'kube-apiserver-';

/** How the counters grew between two samples. */
export interface RateSpan {
  startMs: number;
  endMs: number;
  increase: Partial<Record<GaugeMetric, number>>;
  reset: boolean;
}

const FAMILY: Record<GaugeMetric, string> = { stale: STALE_TOKENS, legacy: LEGACY_TOKENS, valid: VALID_TOKENS, failed: AUTHENTICATION_ATTEMPTS };

/** Each pair of consecutive samples as a span: the increase of each metric the later sample reports. */
export function rateSpans(samples: readonly MetricsSample[]): RateSpan[] {
  const spans: RateSpan[] = [];
  for (let i = 1; i < samples.length; i++) {
    const earlier = samples[i - 1];
    const later = samples[i];
    if (earlier === undefined || later === undefined || !(later.atMs > earlier.atMs)) continue;
    const rates = metricRates(earlier, later);
    const span: RateSpan = { startMs: earlier.atMs, endMs: later.atMs, increase: {}, reset: rates.some((r) => r.reset) };
    for (const metric of GAUGE_METRICS) {
      if (!later.series.some((s) => s.name === FAMILY[metric])) continue;
      // Failed authentications: no credential matched (failure) or one was refused (error); not the successes.
      const counted = rates.filter((r) => r.name === FAMILY[metric] && (metric !== 'failed' || r.labels.result === 'failure' || r.labels.result === 'error'));
      span.increase[metric] = counted.reduce((sum, r) => sum + r.increase, 0);
    }
    spans.push(span);
  }
  return spans;
}

/**
 * Spans as per-minute points, at most `maxPoints`: consecutive spans merged, each metric's rate its increase
 * over the time it was reported in.
 */
export function gaugePoints(spans: readonly RateSpan[], maxPoints = MAX_POINTS): GaugePoint[] {
  const size = Math.max(1, Math.ceil(spans.length / Math.max(1, maxPoints)));
  const points: GaugePoint[] = [];
  for (let i = 0; i < spans.length; i += size) {
    const group = spans.slice(i, i + size);
    const first = group[0];
    const last = group[group.length - 1];
    if (first === undefined || last === undefined) continue;
    const point: GaugePoint = { startMs: first.startMs, endMs: last.endMs, perMinute: {} };
    for (const metric of GAUGE_METRICS) {
      let increase = 0;
      let ms = 0;
      for (const s of group) {
        const grew = s.increase[metric];
        if (grew === undefined) continue;
        increase += grew;
        ms += s.endMs - s.startMs;
      }
      if (ms > 0) point.perMinute[metric] = (increase / ms) * 60_000;
    }
    if (group.some((s) => s.reset)) point.reset = true;
    points.push(point);
  }
  return points;
}

/** Where the reading of one apiserver pod's log got to: the newest line's time, and how many lines had it. */
export interface LogPosition {
  lastLineMs?: number;
  atLast: number;
}
/** The running kube-apiserver pods of the inventory and their container, or why there are none to read. */
export function apiserverPods(snapshot: InventorySnapshot | undefined): { pod: PodItem; container: string }[] | string {
  if (snapshot === undefined) return l10n.t("Waiting for the cluster's pod list to read the API server's own log.");
  const status = snapshot.status.pods.get(APISERVER_NAMESPACE) ?? snapshot.status.pods.get('*');
  if (status === undefined) {
    const listed = [...snapshot.status.pods.keys()];
    return listed.length > 0
      ? l10n.t(
          "The API server's own log is not read: the pod list covers {0} only; add kube-system to clusterCredentials.namespaces if you may list its pods.",
          listed.join(', '),
        )
      : l10n.t(
          "The API server's own log is not read: the pod list covers no namespace yet; add kube-system to clusterCredentials.namespaces if you may list its pods.",
        );
  }
  const pods = snapshot.pods.flatMap((pod) => {
    if (pod.namespace !== APISERVER_NAMESPACE || !pod.name.startsWith(APISERVER_PREFIX) || pod.deleting || (pod.nodeName ?? '') === '') return [];
    const names = pod.containers.map((c) => c.name);
    const container = names.includes('kube-apiserver') ? 'kube-apiserver' : names.length === 1 ? names[0] : undefined;
    return container === undefined ? [] : [{ pod, container }];
  });
  if (pods.length > 0) return pods;
  if (status.state === 'loading') return l10n.t("Waiting for the pod list of kube-system to read the API server's own log.");
  if (status.state === 'error') {
    return l10n.t("The API server's own log is not read: the pods of kube-system could not be listed ({0}).", status.error?.message ?? l10n.t('no answer'));
  }
  return l10n.t(
    'No kube-apiserver pod runs in kube-system: the control plane is not run as pods here (managed clusters such as EKS, GKE and AKS keep it out of reach), so its own log cannot be read.',
  );
}

const KUBELET_TIME = /^(\d{4}-\d{2}-\d{2}T\S+)\s/;

/**
 * The lines of a read (with the kubelet's timestamps) not counted before: a read starts at a whole second at or
 * before the newest line already read, so lines older than it, and as many at its time as were read, are skipped.
 * Moves `position` to the newest line. A cut-off last line (limitBytes) is left for the next read.
 */
export function newLines(text: string, truncated: boolean, position: LogPosition): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '' || truncated) lines.pop();
  const last = position.lastLineMs;
  let skip = position.atLast;
  let newest = last;
  let atNewest = 0;
  const fresh: string[] = [];
  for (const line of lines) {
    const stamp = KUBELET_TIME.exec(line);
    const t = stamp === null ? undefined : Date.parse(stamp[1] ?? '');
    if (t === undefined || !Number.isFinite(t)) {
      fresh.push(line);
      continue;
    }
    if (newest === undefined || t > newest) {
      newest = t;
      atNewest = 1;
    } else if (t === newest) {
      atNewest++;
    }
    if (last !== undefined && t < last) continue;
    if (last !== undefined && t === last && skip > 0) {
      skip--;
      continue;
    }
    fresh.push(line);
  }
  // A read that no longer holds the newest line already read (a restarted container) keeps the count it had.
  if (newest !== undefined && !(newest === last && atNewest === 0)) {
    position.lastLineMs = newest;
    position.atLast = atNewest;
  }
  return fresh;
}
