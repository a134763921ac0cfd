// The arithmetic of the control-plane gauge: per-minute rates between samples of /metrics (a counter that went
// down is an API server restart, and its new value is the increase), merging into at most so many points without
// losing a request, the apiserver log lines a read has not counted before, and where the apiserver pods are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiserverPods, gaugePoints, newLines, rateSpans, type RateSpan } from '../../../src/app/controlPlaneSeries';
import type { InventorySnapshot, PodItem, ResourceStatus } from '../../../src/cluster/inventory/types';
import { parseMetrics, type MetricsSample } from '../../../src/controlPlane/metrics';

const T0 = Date.parse('2026-12-02T16:00:00Z');
const MIN = 60_000;

function sample(atMs: number, c: { stale?: number; legacy?: number; valid?: number; success?: number; failure?: number; error?: number }): MetricsSample {
  const lines: string[] = [];
  if (c.success !== undefined) lines.push(`authentication_attempts{result="success"} ${c.success}`);
  if (c.failure !== undefined) lines.push(`authentication_attempts{result="failure"} ${c.failure}`);
  if (c.error !== undefined) lines.push(`authentication_attempts{result="error"} ${c.error}`);
  if (c.legacy !== undefined) lines.push(`serviceaccount_legacy_tokens_total ${c.legacy}`);
  if (c.stale !== undefined) lines.push(`serviceaccount_stale_tokens_total ${c.stale}`);
  if (c.valid !== undefined) lines.push(`serviceaccount_valid_tokens_total ${c.valid}`);
  return parseMetrics(`# HELP x\n${lines.join('\n')}\n`, atMs);
}

describe('control-plane rates', () => {
  it('gives each metric its increase between two samples, failed authentications as failure plus error', () => {
    const spans = rateSpans([
      sample(T0, { stale: 10, legacy: 4, valid: 100, success: 500, failure: 1 }),
      sample(T0 + 2 * MIN, { stale: 22, legacy: 5, valid: 130, success: 900, failure: 3, error: 4 }),
    ]);
    assert.deepEqual(spans, [{ startMs: T0, endMs: T0 + 2 * MIN, increase: { stale: 12, legacy: 1, valid: 30, failed: 6 }, reset: false }]);
    const [point] = gaugePoints(spans);
    assert.deepEqual(point, { startMs: T0, endMs: T0 + 2 * MIN, perMinute: { stale: 6, legacy: 0.5, valid: 15, failed: 3 } });
  });

  it('takes a counter that went down as a restart: its new value is the increase, and the span says so', () => {
    const spans = rateSpans([sample(T0, { stale: 50, valid: 80, success: 10 }), sample(T0 + MIN, { stale: 3, valid: 90, success: 2 })]);
    assert.equal(spans.length, 1);
    assert.deepEqual(spans[0]?.increase, { stale: 3, valid: 10, failed: 0 });
    assert.equal(spans[0]?.reset, true);
    assert.equal(gaugePoints(spans)[0]?.reset, true);
  });

  it('leaves out a metric the later sample does not report, and a pair of samples without time between them', () => {
    const spans = rateSpans([
      sample(T0, { stale: 1 }),
      sample(T0 + MIN, { stale: 2 }),
      sample(T0 + MIN, { stale: 3 }),
      sample(T0 + 2 * MIN, { stale: 4, valid: 2 }),
    ]);
    assert.deepEqual(
      spans.map((s) => [s.startMs - T0, s.endMs - T0, s.increase]),
      [
        [0, MIN, { stale: 1 }],
        [MIN, 2 * MIN, { stale: 1, valid: 2 }],
      ],
      'the valid counter that appears counts from zero; the pair at the same instant is no span',
    );
    assert.deepEqual(rateSpans([sample(T0, { stale: 1 })]), []);
  });

  it('merges spans into at most so many points, each rate its increase over the time the metric was reported', () => {
    const spans: RateSpan[] = [];
    for (let i = 0; i < 10; i++) {
      spans.push({ startMs: T0 + i * MIN, endMs: T0 + (i + 1) * MIN, increase: i < 5 ? { stale: i } : { stale: i, failed: 2 }, reset: i === 7 });
    }
    const points = gaugePoints(spans, 3);
    assert.equal(points.length, 3, 'four spans a point');
    assert.deepEqual(
      points.map((p) => [p.startMs - T0, p.endMs - T0]),
      [
        [0, 4 * MIN],
        [4 * MIN, 8 * MIN],
        [8 * MIN, 10 * MIN],
      ],
    );
    // 0+1+2+3 in 4 min; 4+5+6+7 in 4 min; failed only in the three minutes it was reported of the second point.
    assert.deepEqual(
      points.map((p) => p.perMinute),
      [{ stale: 1.5 }, { stale: 5.5, failed: 2 }, { stale: 8.5, failed: 2 }],
    );
    assert.deepEqual(
      points.map((p) => p.reset === true),
      [false, true, false],
    );
    const total = (ps: typeof points): number => ps.reduce((sum, p) => sum + ((p.perMinute.stale ?? 0) * (p.endMs - p.startMs)) / MIN, 0);
    assert.equal(total(points), 45, 'no request lost in merging');
    assert.equal(gaugePoints(spans, 120).length, 10);
  });
});

describe("the API server's log lines not counted before", () => {
  const at = (s: string, text: string): string => `2026-12-02T16:${s}Z ${text}`;

  it('skips what an earlier read counted, lines at the same time included, and keeps a cut-off line for later', () => {
    const position = { atLast: 0 } as { lastLineMs?: number; atLast: number };
    const first = newLines([at('00:01.000000000', 'a'), at('00:02.000000000', 'b'), at('00:02.000000000', 'c'), ''].join('\n'), false, position);
    assert.deepEqual(
      first.map((l) => l.slice(-1)),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(position, { lastLineMs: Date.parse('2026-12-02T16:00:02Z'), atLast: 2 });
    // The next read starts a second before the newest line: b and c again, then what is new.
    const second = newLines(
      [
        at('00:01.500000000', 'old'),
        at('00:02.000000000', 'b'),
        at('00:02.000000000', 'c'),
        at('00:02.000000000', 'd'),
        at('00:05.000000000', 'e'),
        at('00:06.0', 'cut'),
      ].join('\n'),
      true,
      position,
    );
    assert.deepEqual(
      second.map((l) => l.slice(-1)),
      ['d', 'e'],
    );
    assert.deepEqual(position, { lastLineMs: Date.parse('2026-12-02T16:00:05Z'), atLast: 1 });
  });

  it('keeps where it was when a read no longer holds the newest line', () => {
    const position = { lastLineMs: Date.parse('2026-12-02T16:00:05Z'), atLast: 3 };
    assert.deepEqual(newLines('', false, position), []);
    assert.deepEqual(position, { lastLineMs: Date.parse('2026-12-02T16:00:05Z'), atLast: 3 });
  });
});

describe('where the kube-apiserver pods are', () => {
  const pod = (name: string, extra: Partial<PodItem> = {}): PodItem => ({
    namespace: 'kube-system',
    name,
    uid: `uid-${name}`,
    serviceAccount: 'default',
    phase: 'Running',
    nodeName: 'node-1',
    deleting: false,
    containers: [{ name: 'kube-apiserver', tokens: [] }],
    ephemeralContainers: [],
    statuses: [],
    claims: [],
    secretVolumes: [],
    ...extra,
  });
  const snapshot = (pods: PodItem[], status: [string, ResourceStatus][]): InventorySnapshot => ({
    version: 1,
    namespaces: [],
    serviceAccounts: [],
    pods,
    secrets: [],
    status: { namespaces: new Map(), serviceaccounts: new Map(), secrets: new Map(), pods: new Map(status) },
    namespacesFixed: false,
  });

  it('finds the running kube-apiserver-<node> pods and their container', () => {
    const found = apiserverPods(
      snapshot(
        [
          pod('kube-apiserver-node-1'),
          pod('kube-apiserver-node-2', { deleting: true }),
          pod('kube-apiserver-node-3', { nodeName: '' }),
          pod('etcd-node-1'),
          pod('kube-apiserver-x', { namespace: 'default' }),
        ],
        [['*', { state: 'ready' }]],
      ),
    );
    assert.ok(Array.isArray(found));
    assert.deepEqual(
      found.map((f) => [f.pod.name, f.container]),
      [['kube-apiserver-node-1', 'kube-apiserver']],
    );
  });

  it('says why there is no log to read', () => {
    const why = (found: ReturnType<typeof apiserverPods>): string => (typeof found === 'string' ? found : `${found.length} pods`);
    assert.match(why(apiserverPods(undefined)), /^Waiting for the cluster's pod list/);
    assert.equal(
      apiserverPods(
        snapshot(
          [],
          [
            ['payments', { state: 'ready' }],
            ['db', { state: 'ready' }],
          ],
        ),
      ),
      "The API server's own log is not read: the pod list covers payments, db only; add kube-system to clusterCredentials.namespaces if you may list its pods.",
    );
    assert.match(why(apiserverPods(snapshot([], [['*', { state: 'ready' }]]))), /^No kube-apiserver pod runs in kube-system: .*EKS, GKE and AKS/);
    assert.match(why(apiserverPods(snapshot([], [['kube-system', { state: 'loading' }]]))), /^Waiting for the pod list of kube-system/);
    const forbidden: ResourceStatus = { state: 'error', error: { kind: 'forbidden', status: 403, message: 'you may not list pods in kube-system' } };
    assert.equal(
      apiserverPods(snapshot([], [['*', forbidden]])),
      "The API server's own log is not read: the pods of kube-system could not be listed (you may not list pods in kube-system).",
    );
  });
});
