// The timeline's SVG geometry, computed from the diagnosis' timeline model in plain Node.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline, type TokenWindow } from '../../../../src/diagnosis/timeline';
import type { Subject, TokenObservation, UnauthorizedEvent } from '../../../../src/history/types';
import { laneLabel, layoutTimeline, orderLanes, packSlots, paddedRange, tickStep, windowPhases } from '../../../../webview/timelineGeometry';
import { apisixPod, apisixRecords, MIN, T0 } from './evidence';

const NOW = T0 + 80 * MIN;

function apisixTimeline() {
  const records = apisixRecords().filter((r) => r.subject.context === 'test' && r.subject.pod === apisixPod.pod);
  const obs = records.filter((r): r is TokenObservation => r.kind === 'token');
  const events = records.filter((r): r is UnauthorizedEvent => r.kind === 'unauthorized');
  return buildTimeline(obs, events, NOW);
}

describe('timeline geometry', () => {
  const t = apisixTimeline();
  const g = layoutTimeline(t, { width: 1000, labelWidth: 200, tickLabel: (ms) => String(ms) });
  const xOf = (ms: number): number => g.plotLeft + ((ms - g.startMs) / (g.endMs - g.startMs)) * (g.plotRight - g.plotLeft);

  it('maps time to x on one axis inside the plot', () => {
    assert.equal(g.width, 1000);
    assert.ok(g.startMs < t.startMs && g.endMs > t.endMs, 'the axis is padded');
    for (const s of g.segments) {
      assert.ok(s.x0 >= g.plotLeft && s.x1 <= g.plotRight, 'segments stay inside the plot');
      assert.ok(s.x1 > s.x0);
    }
    assert.ok(g.nowX !== undefined && Math.abs(g.nowX - xOf(NOW)) < 1e-6);
  });

  it('draws one row per lane, the 401 lane apart, overlapping windows stacked', () => {
    assert.deepEqual(new Set(g.rows.map((r) => r.lane)), new Set(t.lanes));
    for (const r of g.rows) assert.equal(r.eventsOnly, !t.windows.some((w) => w.lane === r.lane));
    const tokenRow = g.rows.find((r) => !r.eventsOnly);
    assert.ok(tokenRow);
    const tops = new Set(g.segments.map((s) => s.y));
    assert.equal(tops.size, 2, 'A and B overlap in time, so they take two slots');
    for (let i = 1; i < g.rows.length; i++) {
      const prev = g.rows[i - 1];
      const row = g.rows[i];
      assert.ok(prev && row && row.y >= prev.y + prev.height, 'rows do not overlap');
    }
  });

  it("cuts each token's window at the kubelet refresh point and expiry", () => {
    const a = t.windows.find((w) => w.fingerprint === 'aaaaaaaa11111111');
    assert.ok(a && a.issuedAtMs !== undefined && a.refreshAtMs !== undefined && a.expiresAtMs !== undefined);
    const segs = g.segments.filter((s) => s.fingerprint === a.fingerprint);
    assert.deepEqual(
      segs.map((s) => s.phase),
      ['fresh', 'due'],
    );
    const [fresh, due] = segs;
    assert.ok(fresh && due);
    assert.ok(Math.abs(fresh.x0 - xOf(a.issuedAtMs)) < 1e-6);
    assert.ok(Math.abs(fresh.x1 - xOf(a.refreshAtMs)) < 1e-6);
    assert.ok(Math.abs(due.x1 - xOf(a.expiresAtMs)) < 1e-6);
    const ticks = g.windowTicks.filter((k) => k.title.includes(a.fingerprint)).map((k) => k.kind);
    assert.deepEqual(ticks, ['issued', 'refreshAt', 'expiry']);
  });

  it('places the observed refresh and the 401 markers at their times', () => {
    assert.equal(g.refreshes.length, 1);
    const r = g.refreshes[0];
    const b = t.windows.find((w) => w.fingerprint === 'bbbbbbbb22222222');
    assert.ok(r && b);
    assert.ok(Math.abs(r.x - xOf(b.firstSeenMs)) < 1e-6);
    assert.equal(g.markers.length, 2);
    assert.deepEqual(
      g.markers.map((m) => m.count),
      [1, 3],
    );
    const eventsRow = g.rows.find((row) => row.eventsOnly);
    assert.ok(eventsRow);
    for (const m of g.markers) assert.equal(m.y, eventsRow.y + eventsRow.height / 2);
    assert.ok(
      g.markers.every((m) => m.x > r.x),
      'the 401 lines come after the rotation',
    );
    assert.match(g.markers[1]?.title ?? '', /failed to list: Unauthorized/);
  });

  it('labels the axis with ticks inside the plot', () => {
    assert.ok(g.axis.length >= 3 && g.axis.length <= 10, `${g.axis.length} ticks`);
    for (const tick of g.axis) assert.ok(tick.x >= g.plotLeft - 1e-6 && tick.x <= g.plotRight + 1e-6);
  });

  it('keeps a one-year expiry from squashing the axis, and marks the window clipped', () => {
    const year = 365 * 24 * 3600;
    const iat = Math.floor(T0 / 1000);
    const obs: TokenObservation = {
      kind: 'token',
      at: T0,
      subject: apisixPod,
      source: 'liveRead',
      fingerprint: 'dddddddd44444444',
      iat,
      exp: iat + year,
      warnAfter: iat + 3607,
    };
    const tl = buildTimeline([obs], [], T0 + 2 * 3600_000);
    const geo = layoutTimeline(tl, { width: 800 });
    assert.ok(geo.endMs - geo.startMs < 24 * 3600_000);
    const last = geo.segments.at(-1);
    assert.ok(last?.clippedRight);
    assert.equal(last.phase, 'stale');
    assert.equal(last.x1, geo.plotRight);
  });

  it('draws an empty timeline without dividing by zero', () => {
    const geo = layoutTimeline(buildTimeline([], [], T0), { width: 600 });
    assert.deepEqual(geo.rows, []);
    assert.ok(Number.isFinite(geo.startMs) && geo.endMs > geo.startMs);
    assert.ok(geo.nowX !== undefined && Number.isFinite(geo.nowX));
  });

  it('shortens long lane labels in the middle and keeps the whole lane for the tooltip', () => {
    const long = { ...apisixPod, namespace: 'n'.repeat(80) };
    const tl = buildTimeline(
      [{ kind: 'token', at: T0, subject: long, source: 'liveRead', fingerprint: 'eeeeeeee55555555', iat: T0 / 1000, exp: T0 / 1000 + 600 }],
      [],
      T0,
    );
    const geo = layoutTimeline(tl, { width: 900, labelWidth: 150 });
    const row = geo.rows[0];
    assert.ok(row && row.label.includes('…') && row.label.length <= 20);
    assert.ok(row.lane.includes(apisixPod.path ?? 'x'));
    assert.ok(row.label.startsWith('nnnn') && row.label.endsWith('apisix)'));
    assert.equal(laneLabel('gateway/apisix-0 (apisix) /var/run/secrets/kubernetes.io/serviceaccount/token', 40), 'gateway/apisix-0 (apisix)');
    assert.equal(laneLabel('gateway/apisix-0 (apisix) /var/run/secrets/vault/token', 100), 'gateway/apisix-0 (apisix) /var/run/secrets/vault/token');
  });
});

describe('lane order', () => {
  it("puts a pod's 401 lane right under its token lanes", () => {
    const other: Subject = { context: 'test', namespace: 'payments', pod: 'api-1', container: 'api' };
    const obs = (fp: string, subject: Subject) => ({
      kind: 'token' as const,
      at: T0,
      subject,
      source: 'liveRead' as const,
      fingerprint: fp,
      iat: T0 / 1000,
      exp: T0 / 1000 + 600,
    });
    const tl = buildTimeline(
      [obs('aaaaaaaa11111111', apisixPod), obs('cccccccc33333333', other)],
      [{ kind: 'unauthorized', at: T0, subject: { context: 'test', namespace: 'gateway', pod: apisixPod.pod ?? '' }, source: 'log', pattern: 'p', line: 'l' }],
      T0,
    );
    assert.deepEqual(
      orderLanes(tl).map((l) => l.split(' ')[0]),
      ['gateway/apisix-7d9f-x2k4q', 'gateway/apisix-7d9f-x2k4q', 'payments/api-1'],
    );
    assert.ok(orderLanes(tl)[1]?.startsWith('gateway/') && !orderLanes(tl)[1]?.includes('('));
  });
});

describe('window phases', () => {
  const base: TokenWindow = { fingerprint: 'f', lane: 'l', group: 'g', subject: apisixPod, source: 'liveRead', firstSeenMs: 0, lastSeenMs: 10 };

  it('goes fresh → due → stale when warnafter comes before expiry', () => {
    const phases = windowPhases({ ...base, issuedAtMs: 0, refreshAtMs: 80, warnAfterMs: 90, expiresAtMs: 100 });
    assert.deepEqual(phases, [
      { from: 0, to: 80, phase: 'fresh' },
      { from: 80, to: 90, phase: 'due' },
      { from: 90, to: 100, phase: 'stale' },
    ]);
  });

  it('is unbounded for a legacy token without expiry', () => {
    assert.deepEqual(windowPhases({ ...base, firstSeenMs: 5, lastSeenMs: 50 }), [{ from: 5, to: 50, phase: 'unbounded' }]);
  });

  it('a requested token bound to a pod is not drawn as one the kubelet refreshes', () => {
    // buildTimeline gives it no refresh point; even one from elsewhere does not apply: nothing refreshes a TokenRequest.
    const requested: TokenWindow = { ...base, source: 'tokenRequest', issuedAtMs: 0, refreshAtMs: 80, expiresAtMs: 100 };
    assert.deepEqual(windowPhases(requested), [{ from: 0, to: 100, phase: 'notRefreshed' }]);
    assert.deepEqual(windowPhases({ ...requested, source: 'kubeconfig', refreshAtMs: undefined }), [{ from: 0, to: 100, phase: 'notRefreshed' }]);
    const g = layoutTimeline({ nowMs: 50, startMs: 0, endMs: 100, lanes: ['l'], windows: [requested], refreshes: [], unauthorized: [] }, { width: 800 });
    assert.deepEqual(
      g.segments.map((s) => s.phase),
      ['notRefreshed'],
    );
    assert.ok(!g.windowTicks.some((t) => t.kind === 'refreshAt'), 'no kubelet refresh tick');
    assert.doesNotMatch(g.segments[0]?.title ?? '', /kubelet refresh point/);
  });

  it("a judged token says its verdict in its tooltip, and its lane's label takes the newest token's verdict", () => {
    const old: TokenWindow = {
      ...base,
      fingerprint: 'old',
      issuedAtMs: 0,
      expiresAtMs: 100,
      verdict: { tone: 'accepted', text: 'On context c: accepted by this API server' },
    };
    const refused: TokenWindow = {
      ...base,
      fingerprint: 'new',
      issuedAtMs: 50,
      expiresAtMs: 150,
      firstSeenMs: 60,
      lastSeenMs: 70,
      verdict: { tone: 'refused', text: 'On context c, refused: invalidated: its pod p (uid 1) is gone' },
    };
    const g = layoutTimeline({ nowMs: 80, startMs: 0, endMs: 150, lanes: ['l'], windows: [old, refused], refreshes: [], unauthorized: [] }, { width: 800 });
    assert.equal(g.rows[0]?.verdict, 'refused');
    const titles = new Map(g.segments.map((s) => [s.fingerprint, s.title]));
    assert.equal(titles.get('new')?.split('\n')[2], 'On context c, refused: invalidated: its pod p (uid 1) is gone');
    assert.equal(titles.get('old')?.split('\n')[2], 'On context c: accepted by this API server');
    // Unjudged: no verdict line, no tone.
    const plain = layoutTimeline(
      { nowMs: 80, startMs: 0, endMs: 150, lanes: ['l'], windows: [{ ...base, issuedAtMs: 0, expiresAtMs: 100 }], refreshes: [], unauthorized: [] },
      { width: 800 },
    );
    assert.equal(plain.rows[0]?.verdict, undefined);
    assert.doesNotMatch(plain.segments[0]?.title ?? '', /On context/);
  });

  it('a token file without a refresh point is fresh up to expiry', () => {
    assert.deepEqual(windowPhases({ ...base, issuedAtMs: 0, expiresAtMs: 100 }), [{ from: 0, to: 100, phase: 'fresh' }]);
  });
});

describe('axis helpers', () => {
  it('pads the range and gives it a minimum width', () => {
    const r = paddedRange(1000, 1000);
    assert.ok(r.endMs - r.startMs >= 60_000);
    const p = paddedRange(0, 100_000);
    assert.ok(p.startMs < 0 && p.endMs > 100_000);
  });

  it('picks a step that keeps the tick count down', () => {
    assert.equal(tickStep(60 * MIN, 6), 15 * MIN);
    assert.equal(tickStep(24 * 60 * MIN, 8), 3 * 60 * MIN);
    assert.ok(tickStep(400 * 24 * 60 * MIN, 5) >= 24 * 60 * MIN);
  });

  it('packs overlapping intervals into separate slots and reuses free ones', () => {
    assert.deepEqual(
      packSlots([
        { from: 0, to: 10 },
        { from: 5, to: 15 },
        { from: 12, to: 20 },
        { from: 16, to: 30 },
      ]),
      [0, 1, 0, 1],
    );
  });

  it("lays the audit log's 401s of a caller in its pod's 401 row, from the first refused request to the last", () => {
    const records = apisixRecords().filter((r) => r.subject.context === 'test' && r.subject.pod === apisixPod.pod);
    const obs = records.filter((r): r is TokenObservation => r.kind === 'token');
    const audit = {
      subject: { context: 'test', namespace: 'gateway', pod: apisixPod.pod ?? '', podUid: 'uid-apisix' },
      firstSeenMs: T0 + 52 * MIN,
      lastSeenMs: T0 + 58 * MIN,
      requests: 1,
      sourceIP: '10.244.0.9',
      userAgent: '',
    };
    const timeline = buildTimeline(obs, [], NOW, [audit, { ...audit, firstSeenMs: T0 + 60 * MIN, lastSeenMs: T0 + 60 * MIN }]);
    const geo = layoutTimeline(timeline, { width: 1000, labelWidth: 200, tickLabel: (ms) => String(ms) });
    const x = (ms: number): number => geo.plotLeft + ((ms - geo.startMs) / (geo.endMs - geo.startMs)) * (geo.plotRight - geo.plotLeft);
    const row = geo.rows.find((r) => r.eventsOnly);
    assert.ok(row);
    assert.equal(row.lane, 'gateway/apisix-7d9f-x2k4q');
    assert.equal(geo.rows[geo.rows.length - 1], row, "under the pod's token lanes");
    const [range, moment] = geo.auditRanges;
    assert.ok(range && moment);
    assert.equal(range.y, row.y + row.height / 2);
    assert.ok(Math.abs(range.x0 - x(T0 + 52 * MIN)) < 1e-6 && Math.abs(range.x1 - x(T0 + 58 * MIN)) < 1e-6);
    assert.ok(moment.x1 - moment.x0 >= 3, 'one moment is still seen');
    assert.equal(range.podDeleted, false);
    assert.match(
      range.title,
      /^401 in the API server's audit log: 1 request refused\nfrom 10\.244\.0\.9, no user agent\nthe address of pod gateway\/apisix-7d9f-x2k4q\nfirst /,
    );
    assert.match(moment.title, /\nat [^\n]+$/);
    // A state saved by an older version has no audit ranges: nothing to draw, nothing broken.
    assert.deepEqual(layoutTimeline({ ...timeline, auditUnauthorized: undefined }, { width: 1000 }).auditRanges, []);
  });
});
