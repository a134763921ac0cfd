// The control plane's sampler against the test cluster running the stale-tokens scenario: nothing is asked
// before a panel holds it, or in an untrusted workspace; an admin sees the token counters move as the cluster's
// clock runs (and a restart of the API server as a reset, not a negative rate), the refused credentials counted
// from the kube-apiserver pod's own log; a user without `get` on /metrics gets the one sentence, once, and no
// request again until the session changes or they ask.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import { ControlPlaneMetrics, metricsNotServed, noMetricsPermission, untrustedWorkspace, type GaugeSessionSource } from '../../../src/app/controlPlaneMetrics';
import { Emitter, type Disposable } from '../../../src/app/events';
import type { RawResponse } from '../../../src/cluster/auth/apiClient';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { InventorySnapshot, PodItem } from '../../../src/cluster/inventory/types';
import { Clock } from '../../cluster/clock';
import { R } from '../../cluster/resources';
import { staleTokensIncident, type StaleTokensIncident } from '../../cluster/scenarios/staleTokens';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, type TempDir } from '../cluster/support/session';
import { send } from '../testCluster/server/support/https';
import { MemoryLog, TestSessions, TestSettings } from './support';

const T0 = Date.parse('2026-12-02T16:00:00Z');

class GaugeTestSettings {
  metricsIntervalSeconds = 60;
  historyMaxDays = 30;
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;
  fire(): void {
    this.emitter.fire();
  }
}

/** The sampler's interval, run by hand. */
class ManualTimers {
  private rounds: { round: () => void; everyMs: number }[] = [];
  readonly schedule = (round: () => void, everyMs: number): Disposable => {
    const entry = { round, everyMs };
    this.rounds.push(entry);
    return { dispose: () => (this.rounds = this.rounds.filter((r) => r !== entry)) };
  };
  get running(): number[] {
    return this.rounds.map((r) => r.everyMs);
  }
  tick(): void {
    for (const r of [...this.rounds]) r.round();
  }
}

describe('the control plane sampler on the stale-tokens scenario', () => {
  let cluster: TestCluster;
  let incident: StaleTokensIncident;
  let tmp: TempDir;
  const disposables: { dispose(): void }[] = [];
  const sessions: ClusterSession[] = [];

  const metricsAsked = (): number => cluster.requests.all().filter((r) => r.info.kind === 'nonResource' && r.info.path === '/metrics').length;
  const logsAsked = (): number =>
    cluster.requests.all().filter((r) => r.info.kind === 'resource' && r.info.subresource === 'log' && r.info.namespace === 'kube-system').length;

  function open(session: ClusterSession): { feed: TestSessions; state: ClusterState } {
    sessions.push(session);
    const feed = new TestSessions(session);
    const state = new ClusterState({ sessions: feed, settings: new TestSettings(), tuning: { coalesceMs: 0, retryDelaysMs: [60_000] } });
    disposables.push(state);
    return { feed, state };
  }

  function sampler(
    state: ClusterState,
    o: { trusted?: () => boolean; settings?: GaugeTestSettings; timers?: ManualTimers; log?: MemoryLog } = {},
  ): ControlPlaneMetrics {
    const metrics = new ControlPlaneMetrics({
      state,
      settings: o.settings ?? new GaugeTestSettings(),
      trusted: o.trusted ?? (() => true),
      now: () => cluster.clock.nowMs(),
      schedule: (o.timers ?? new ManualTimers()).schedule,
      ...(o.log !== undefined ? { log: o.log } : {}),
    });
    disposables.push(metrics);
    return metrics;
  }

  /** A minute of the cluster's time, every workload's requests answered. */
  async function minute(): Promise<void> {
    cluster.advance(60);
    await incident.settled();
  }

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['stale-tokens'], clock: new Clock(T0) });
    const found = staleTokensIncident(cluster);
    assert.ok(found !== undefined);
    incident = found;
    tmp = tempDir('cc-control-plane-');
  });

  after(async () => {
    for (const d of disposables.splice(0).reverse()) d.dispose();
    for (const s of sessions) await s.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('asks nothing until a panel of the active context holds it, and stops when the panel closes', async () => {
    const { state } = open(sessionFor(cluster, tmp, 'admin'));
    const timers = new ManualTimers();
    const asked = metricsAsked();
    const metrics = sampler(state, { timers });
    await metrics.sample();
    assert.equal(metricsAsked(), asked, 'no panel: no request');
    const other = metrics.acquire('some-other-context');
    await metrics.sample();
    assert.equal(metricsAsked(), asked, 'a panel of another context: no request');
    assert.match(metrics.gauge('some-other-context').metricsState ?? '', /^The control plane is sampled for the active context only \(/);
    other.dispose();

    const lease = metrics.acquire(state.session?.context ?? '');
    await metrics.sample();
    assert.equal(metricsAsked(), asked + 1, 'sampled at once when the panel opens');
    assert.deepEqual(timers.running, [60_000]);
    lease.dispose();
    assert.deepEqual(timers.running, [], 'closing the panel stops the interval');
    timers.tick();
    await metrics.sample();
    assert.equal(metricsAsked(), asked + 1);
  });

  it('never samples in an untrusted workspace, and starts when the workspace is trusted', async () => {
    const { state } = open(sessionFor(cluster, tmp, 'admin'));
    const timers = new ManualTimers();
    const settings = new GaugeTestSettings();
    let trusted = false;
    const metrics = sampler(state, { timers, settings, trusted: () => trusted });
    const context = state.session?.context ?? '';
    const asked = metricsAsked();
    const lease = metrics.acquire(context);
    await metrics.sample();
    timers.tick();
    await metrics.sample();
    assert.equal(metricsAsked(), asked);
    assert.deepEqual(timers.running, []);
    assert.deepEqual(metrics.gauge(context), { intervalSeconds: 60, points: [], metricsState: untrustedWorkspace() });

    trusted = true;
    // Granting trust fires the settings' change (every restricted setting changed).
    settings.fire();
    await metrics.sample();
    assert.equal(metricsAsked(), asked + 1);
    assert.deepEqual(timers.running, [60_000]);
    lease.dispose();
  });

  it('shows an admin the counters moving as the scenario runs, and a refused credential in the rates and the log counts', async () => {
    const { state } = open(sessionFor(cluster, tmp, 'admin'));
    await state.ensureStarted()?.synced();
    const timers = new ManualTimers();
    const metrics = sampler(state, { timers });
    const context = state.session?.context ?? '';
    const lease = metrics.acquire(context);
    await metrics.sample();
    let gauge = metrics.gauge(context);
    assert.deepEqual(gauge.points, []);
    assert.equal(gauge.metricsState, 'One sample of /metrics so far: the first rates come with the next, 60 s after it.');
    assert.equal(gauge.lastSampleMs, cluster.clock.nowMs());

    // A token of ten minutes, issued now and sent once it has expired: one 401, one "has expired" line in the apiserver's log.
    const sa = cluster.store.peek(R.serviceAccounts, 'payments', 'statement-worker');
    assert.ok(sa !== undefined);
    const issued = cluster.issuer.issue({
      namespace: 'payments',
      serviceAccount: { name: 'statement-worker', uid: sa.metadata.uid },
      expirationSeconds: 600,
      nowSeconds: cluster.clock.nowSeconds(),
    });
    assert.ok(issued.ok);
    for (let i = 0; i < 3; i++) {
      await minute();
      timers.tick();
      await metrics.sample();
    }
    gauge = metrics.gauge(context);
    assert.equal(gauge.metricsState, undefined);
    assert.equal(gauge.points.length, 3);
    for (const p of gauge.points) {
      assert.equal(p.endMs - p.startMs, 60_000);
      // Three workloads keep their first token (Patroni every 10 s, APISIX every 30 s, ledger-sync every 60 s).
      assert.ok((p.perMinute.stale ?? 0) >= 3, `stale per minute: ${JSON.stringify(p.perMinute)}`);
      assert.ok((p.perMinute.legacy ?? 0) >= 1, 'the CI job sends its Secret token every minute');
      assert.ok((p.perMinute.valid ?? 0) >= 1, 'the pod that re-reads its token sends a valid one');
      assert.equal(p.perMinute.failed, 0);
      assert.equal(p.reset, undefined);
    }
    // The apiserver pod's log is read and holds no refused credential yet.
    assert.deepEqual(gauge.apiserverLog && { pods: gauge.apiserverLog.pods, total: gauge.apiserverLog.total }, {
      pods: ['kube-system/kube-apiserver-node-1'],
      total: 0,
    });
    assert.equal(gauge.apiserverLogState, undefined);

    // Ten minutes after the last sample the token issued before the three minutes above has expired.
    cluster.advance(540);
    await minute();
    const refused = await send(cluster, { path: '/api/v1/namespaces/payments/configmaps', auth: { token: issued.issued.token } });
    assert.equal(refused.status, 401);
    timers.tick();
    await metrics.sample();
    gauge = metrics.gauge(context);
    const last = gauge.points[gauge.points.length - 1];
    assert.ok(last !== undefined);
    assert.equal(last.endMs - last.startMs, 600_000);
    assert.equal(last.perMinute.failed, 0.1, 'one refused request in ten minutes');
    assert.deepEqual(
      gauge.apiserverLog && [gauge.apiserverLog.expired, gauge.apiserverLog.invalidated, gauge.apiserverLog.other, gauge.apiserverLog.total],
      [1, 0, 0, 1],
    );
    assert.equal(gauge.apiserverLog?.lastMs, cluster.clock.nowMs());

    // The next read counts only what is new: the same line is not counted twice.
    const logReads = logsAsked();
    await minute();
    timers.tick();
    await metrics.sample();
    assert.equal(logsAsked(), logReads + 1);
    assert.equal(metrics.gauge(context).apiserverLog?.total, 1);
    lease.dispose();
  });

  it('takes a restarted API server (its counters back at zero) as a reset, never a negative rate', async () => {
    const { state } = open(sessionFor(cluster, tmp, 'admin'));
    const timers = new ManualTimers();
    const metrics = sampler(state, { timers });
    const context = state.session?.context ?? '';
    const lease = metrics.acquire(context);
    await metrics.sample();
    await minute();
    timers.tick();
    await metrics.sample();
    assert.ok((cluster.issuer.counts.stale ?? 0) > 10);
    // The apiserver's token counters live in its memory: a restart starts them from zero.
    cluster.issuer.counts.stale = 0;
    cluster.issuer.counts.legacy = 0;
    cluster.issuer.counts.valid = 0;
    await minute();
    timers.tick();
    await metrics.sample();
    const points = metrics.gauge(context).points;
    assert.equal(points.length, 2);
    const [before, restarted] = points;
    assert.equal(before?.reset, undefined);
    assert.equal(restarted?.reset, true);
    // Over one minute since the restart: what the counters hold now is what was used in it.
    assert.equal(restarted?.perMinute.stale, cluster.issuer.counts.stale);
    assert.equal(restarted?.perMinute.legacy, cluster.issuer.counts.legacy);
    assert.ok((restarted?.perMinute.stale ?? -1) > 0);
    lease.dispose();
  });

  it('gives a user without get on /metrics the one sentence, once, and asks again only when the session changes or they ask', async () => {
    const { feed, state } = open(sessionFor(cluster, tmp, { serviceAccount: 'payments/statement-worker' }));
    await state.ensureStarted()?.synced();
    const logReads = logsAsked();
    const timers = new ManualTimers();
    const log = new MemoryLog();
    const metrics = sampler(state, { timers, log });
    const context = state.session?.context ?? '';
    const asked = metricsAsked();
    const lease = metrics.acquire(context);
    await metrics.sample();
    assert.equal(metricsAsked(), asked + 1);
    const gauge = metrics.gauge(context);
    assert.equal(gauge.metricsState, noMetricsPermission());
    assert.equal(
      noMetricsPermission(),
      'No permission: get on the nonResourceURL /metrics (ClusterRole rule nonResourceURLs: ["/metrics"], verbs: ["get"]). Sampling stopped; bind such a role to your user and press Refresh.',
    );
    assert.deepEqual(gauge.points, []);
    // It may list the pods of its own namespace only: the apiserver's log is not asked for, and the panel says why.
    assert.equal(
      gauge.apiserverLogState,
      "The API server's own log is not read: the pod list covers payments only; add kube-system to clusterCredentials.namespaces if you may list its pods.",
    );
    assert.equal(gauge.apiserverLog, undefined);
    assert.equal(logsAsked(), logReads);

    for (let i = 0; i < 5; i++) {
      await minute();
      timers.tick();
      await metrics.sample();
    }
    assert.equal(metricsAsked(), asked + 1, 'no retry on the interval after a 403');
    assert.deepEqual(
      log.lines.filter((l) => l.includes('/metrics')),
      [`info Token Health, control plane (${context}): ${noMetricsPermission()}`],
      'said once in the log',
    );

    await metrics.retry();
    assert.equal(metricsAsked(), asked + 2, 'the user asked (Refresh)');
    assert.equal(metrics.gauge(context).metricsState, noMetricsPermission());
    assert.equal(log.lines.filter((l) => l.includes('/metrics')).length, 1, 'the same answer is not logged again');

    // The kubeconfig is read again: a new session is asked once more.
    feed.set(sessionFor(cluster, tmp, { serviceAccount: 'payments/statement-worker' }));
    sessions.push(feed.current() as ClusterSession);
    await metrics.sample();
    assert.equal(metricsAsked(), asked + 3);
    timers.tick();
    await metrics.sample();
    assert.equal(metricsAsked(), asked + 3);
    lease.dispose();
  });
});

describe('the control plane sampler when the API server says no', () => {
  const pod: PodItem = {
    namespace: 'kube-system',
    name: 'kube-apiserver-cp-1',
    uid: 'uid-cp-1',
    serviceAccount: 'default',
    phase: 'Running',
    nodeName: 'cp-1',
    deleting: false,
    containers: [{ name: 'kube-apiserver', tokens: [] }],
    ephemeralContainers: [],
    statuses: [],
    claims: [],
    secretVolumes: [],
  };
  const snapshot: InventorySnapshot = {
    version: 1,
    namespaces: [],
    serviceAccounts: [],
    pods: [pod],
    secrets: [],
    status: { namespaces: new Map(), serviceaccounts: new Map(), secrets: new Map(), pods: new Map([['*', { state: 'ready' }]]) },
    namespacesFixed: false,
  };

  /** An API server answering each path with what `answer` says, counting what it was asked. */
  function fakeSession(answer: (path: string) => RawResponse): { source: GaugeSessionSource; asked: string[] } {
    const asked: string[] = [];
    const api = {
      rawRequest: (path: string): Promise<RawResponse> => {
        asked.push(path.split('?')[0] ?? path);
        return Promise.resolve(answer(path));
      },
    };
    const session = { context: 'fake', api };
    const emitter = new Emitter<unknown>();
    return { source: { current: { session, snapshot: () => snapshot }, onDidChange: emitter.event }, asked };
  }
  const refused = (status: number, message: string): RawResponse => ({
    ok: false,
    status,
    error: { kind: status === 403 ? 'forbidden' : status === 404 ? 'notFound' : 'server', status, message },
  });
  const LOG_PATH = '/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-1/log';

  it('stops asking for /metrics after a 404 and for the log after a 403, each said once, until Refresh', async () => {
    const { source, asked } = fakeSession((path) =>
      path === '/metrics' ? refused(404, 'the server could not find the requested resource') : refused(403, 'forbidden'),
    );
    const timers = new ManualTimers();
    const log = new MemoryLog();
    let now = T0;
    const metrics = new ControlPlaneMetrics({
      state: source,
      settings: new GaugeTestSettings(),
      trusted: () => true,
      log,
      now: () => now,
      schedule: timers.schedule,
    });
    const lease = metrics.acquire('fake');
    await metrics.sample();
    for (let i = 0; i < 3; i++) {
      now += 60_000;
      timers.tick();
      await metrics.sample();
    }
    assert.deepEqual(asked, ['/metrics', LOG_PATH]);
    const gauge = metrics.gauge('fake');
    assert.equal(gauge.metricsState, metricsNotServed());
    assert.equal(
      gauge.apiserverLogState,
      "No permission to read the log of kube-system/kube-apiserver-cp-1 (get on pods/log in kube-system): the API server's own count of refused credentials is not shown. Press Refresh after you are granted it.",
    );
    assert.equal(log.lines.length, 2);
    await metrics.retry();
    assert.deepEqual(asked, ['/metrics', LOG_PATH, '/metrics', LOG_PATH]);
    assert.equal(log.lines.length, 2, 'the same answers are not logged again');
    lease.dispose();
    metrics.dispose();
  });

  it('keeps sampling through other failures, says each in a sentence, logs it once, and clears it when an answer comes', async () => {
    let failing = true;
    const body = 'serviceaccount_stale_tokens_total 4\nserviceaccount_valid_tokens_total 9\n';
    const { source, asked } = fakeSession((path) =>
      failing
        ? refused(503, 'the API server is not ready (503)')
        : { ok: true, status: path === '/metrics' ? 200 : 204, headers: {}, body: path === '/metrics' ? body : '' },
    );
    const timers = new ManualTimers();
    const log = new MemoryLog();
    let now = T0;
    const metrics = new ControlPlaneMetrics({
      state: source,
      settings: new GaugeTestSettings(),
      trusted: () => true,
      log,
      now: () => now,
      schedule: timers.schedule,
    });
    const lease = metrics.acquire('fake');
    await metrics.sample();
    now += 60_000;
    timers.tick();
    await metrics.sample();
    assert.equal(asked.filter((p) => p === '/metrics').length, 2, 'asked again on the interval');
    const gauge = metrics.gauge('fake');
    assert.equal(gauge.metricsState, 'Could not read /metrics: the API server is not ready (503)');
    assert.equal(gauge.apiserverLogState, 'Could not read the log of kube-system/kube-apiserver-cp-1: the API server is not ready (503)');
    assert.equal(log.lines.length, 2, 'each failure logged once');
    assert.ok(log.lines.every((l) => l.startsWith('warn Token Health, control plane (fake): Could not read')));

    failing = false;
    now += 60_000;
    timers.tick();
    await metrics.sample();
    const answered = metrics.gauge('fake');
    assert.equal(answered.metricsState, 'One sample of /metrics so far: the first rates come with the next, 60 s after it.');
    assert.equal(answered.apiserverLogState, undefined);
    assert.deepEqual(answered.apiserverLog?.pods, ['kube-system/kube-apiserver-cp-1']);
    lease.dispose();
    metrics.dispose();
  });
});
