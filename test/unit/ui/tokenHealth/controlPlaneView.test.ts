// The "Control plane" section of a context's panel, drawn in the fake DOM: a row per rate with its step
// sparkline and its latest value in words, gaps where the server reported nothing, a restart marked, the
// API server's log counts, and the sentence when the rates are missing; what cannot be drawn is left out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ControlPlaneGauge } from '../../../../src/shared/tokenHealthProtocol';
import { formatRate, readGauge, renderControlPlane, sparkline } from '../../../../webview/controlPlaneView';
import { formatUtcTime } from '../../../../webview/format';
import { asFake, withFakeDocument, type FakeElement } from './fakeDom';

const T0 = Date.parse('2026-12-02T16:00:00Z');
const MIN = 60_000;

const gauge: ControlPlaneGauge = {
  intervalSeconds: 60,
  points: [
    { startMs: T0, endMs: T0 + MIN, perMinute: { stale: 6, legacy: 1, valid: 2.5, failed: 0 } },
    { startMs: T0 + MIN, endMs: T0 + 2 * MIN, perMinute: { stale: 3, legacy: 1, valid: 0.04, failed: 0 }, reset: true },
  ],
  lastSampleMs: T0 + 2 * MIN,
  apiserverLog: {
    pods: ['kube-system/kube-apiserver-node-1'],
    expired: 2,
    invalidated: 1,
    other: 0,
    total: 3,
    sinceMs: T0 - 30 * 24 * 60 * MIN,
    lastMs: T0 + 90_000,
  },
};

const byClass = (root: FakeElement, cls: string): FakeElement[] => root.all().filter((e) => (e.getAttribute('class') ?? '').split(' ').includes(cls));

describe('the control plane section', () => {
  let tz: string | undefined;
  before(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  after(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('shows the four rates, each with its sparkline and its latest value in words', () => {
    const view = withFakeDocument(() => asFake(renderControlPlane(gauge, T0 + 2 * MIN)));
    const rows = byClass(view, 'cp-rate');
    assert.deepEqual(
      rows.map((r) => r.getAttribute('class')),
      ['cp-rate metric-stale', 'cp-rate metric-legacy', 'cp-rate metric-valid', 'cp-rate metric-failed'],
    );
    assert.deepEqual(
      rows.map((r) => byClass(r, 'cp-label')[0]?.textContent),
      ['Stale tokens used', 'Legacy Secret tokens used', 'Valid projected tokens used', 'Failed authentications'],
    );
    assert.deepEqual(
      rows.map((r) => byClass(r, 'cp-latest')[0]?.textContent),
      [
        '3 per minute (16:01:00 UTC to 16:02:00 UTC)',
        '1 per minute (16:01:00 UTC to 16:02:00 UTC)',
        '< 0.1 per minute (16:01:00 UTC to 16:02:00 UTC)',
        '0 per minute (16:01:00 UTC to 16:02:00 UTC)',
      ],
    );
    assert.equal(
      rows[0]
        ?.all()
        .find((e) => e.tagName === 'svg')
        ?.getAttribute('aria-label'),
      'Stale tokens used per minute over 2 min: from 3 to 6, latest 3',
    );
    const texts = view.texts().join('\n');
    assert.match(
      texts,
      /Sampled every 60 s while this panel is open; last sample 16:02:00 UTC\. The API server restarted once meanwhile: its counters started again from zero\./,
    );
    assert.match(
      texts,
      /The API server's own log \(kube-system\/kube-apiserver-node-1\) since 2026-11-02 16:00:00 UTC: 3 refused credentials: 2 expired, 1 invalidated \(pod or Secret gone\), 0 other; the last at 16:01:30 UTC\./,
    );
    assert.equal(byClass(view, 'cp-state').length, 0, 'no state sentence when the rates are current');
  });

  it('draws each span as a step at its rate, joined where spans meet, and marks a restart', () => {
    const line = withFakeDocument(() => asFake(sparkline(gauge.points, 'stale', 'x')));
    const path = line.all().find((e) => e.tagName === 'path');
    assert.equal(path?.getAttribute('class'), 'spark spark-stale');
    // 160 px over two minutes; 6 at the top (y 2), 3 halfway down the 22 px of the plot.
    assert.equal(path?.getAttribute('d'), 'M0 2 H80 L80 13 H160');
    const reset = line.all().filter((e) => e.getAttribute('class') === 'spark-reset');
    assert.equal(reset.length, 1);
    assert.equal(reset[0]?.getAttribute('x1'), '80');
  });

  it('leaves a gap where the server did not report a metric, and says so when it never did', () => {
    const points = [
      { startMs: T0, endMs: T0 + MIN, perMinute: { stale: 2 } },
      { startMs: T0 + MIN, endMs: T0 + 2 * MIN, perMinute: {} },
      { startMs: T0 + 2 * MIN, endMs: T0 + 3 * MIN, perMinute: { stale: 4 } },
    ];
    const line = withFakeDocument(() => asFake(sparkline(points, 'stale', 'x')));
    assert.equal(
      line
        .all()
        .find((e) => e.tagName === 'path')
        ?.getAttribute('d'),
      'M0 13 H53.3 M106.7 2 H160',
    );
    const view = withFakeDocument(() => asFake(renderControlPlane({ intervalSeconds: 60, points }, T0 + 3 * MIN)));
    const failed = byClass(view, 'metric-failed')[0];
    assert.equal(byClass(failed ?? view, 'cp-latest')[0]?.textContent, 'not reported by this API server');
    assert.equal(failed?.all().filter((e) => e.tagName === 'path').length, 0);
  });

  it('shows the sentence saying why the rates or the log counts are missing', () => {
    const view = withFakeDocument(() =>
      asFake(
        renderControlPlane(
          {
            intervalSeconds: 60,
            points: [],
            metricsState: 'No permission: get on the nonResourceURL /metrics.',
            apiserverLogState: 'No kube-apiserver pod runs in kube-system.',
          },
          T0,
        ),
      ),
    );
    assert.deepEqual(
      byClass(view, 'cp-state').map((e) => e.textContent),
      ['No permission: get on the nonResourceURL /metrics.', 'No kube-apiserver pod runs in kube-system.'],
    );
    assert.equal(byClass(view, 'cp-rates').length, 0);
    assert.equal(byClass(view, 'cp-state')[0]?.getAttribute('role'), 'status');
  });

  it('draws nothing it cannot read: odd numbers, odd points, a state that is not a gauge', () => {
    assert.equal(readGauge(undefined), undefined);
    assert.equal(readGauge({ intervalSeconds: '60', points: [] }), undefined);
    const read = readGauge({
      intervalSeconds: 60,
      points: [
        { startMs: T0, endMs: T0 + MIN, perMinute: { stale: Number.NaN, legacy: -1, valid: '3', failed: 2, extra: 9 } },
        { startMs: T0 + MIN, endMs: T0 + MIN, perMinute: { stale: 1 } },
        { startMs: 'x', endMs: T0, perMinute: {} },
      ],
      metricsState: 7,
      apiserverLog: { pods: ['a', 3], expired: 1, invalidated: 0, other: 0, total: 1, sinceMs: T0, note: {} },
    });
    assert.deepEqual(read, {
      intervalSeconds: 60,
      points: [{ startMs: T0, endMs: T0 + MIN, perMinute: { failed: 2 } }],
      apiserverLog: { pods: ['a'], expired: 1, invalidated: 0, other: 0, total: 1, sinceMs: T0 },
    });
    assert.equal(
      readGauge({ intervalSeconds: 60, points: [], apiserverLog: { pods: [], expired: -1, invalidated: 0, other: 0, total: 0, sinceMs: T0 } })?.apiserverLog,
      undefined,
    );
    const view = withFakeDocument(() => asFake(renderControlPlane('<b>not a gauge</b>', T0)));
    assert.equal(view.textContent, 'Nothing to show of the control plane: press Refresh.');
  });

  it('writes rates in words a reader takes in at a glance', () => {
    assert.deepEqual([0, 0.04, 0.25, 2.5, 9.96, 36.4].map(formatRate), ['0', '< 0.1', '0.3', '2.5', '10', '36']);
  });
});

describe('times in the control plane section', () => {
  it('are UTC, with the local time after them only where it differs', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      assert.equal(formatUtcTime(T0 + 5000, T0), '16:00:05 UTC');
      assert.equal(formatUtcTime(T0 - 24 * 60 * MIN, T0), '2026-12-01 16:00:00 UTC');
      process.env.TZ = 'Europe/Berlin';
      assert.equal(formatUtcTime(T0 + 5000, T0), '16:00:05 UTC (17:00:05 local)');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
