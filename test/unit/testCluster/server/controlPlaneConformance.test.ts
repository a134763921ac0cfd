// The test cluster's control-plane evidence held to what a real kube-apiserver v1.28.7 wrote
// (test/fixtures/k8s/v1.28/control-plane): the recording's requests are made again with the same
// names, and the audit events, /metrics lines and apiserver log lines must come out the same: the
// same keys in the same order, the same stages, the same annotation text, equal values except for
// ids, uids, times and the seconds past warnafter.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countAuthFailures } from '../../../../src/controlPlane/apiserverLog';
import { parseAuditLine } from '../../../../src/controlPlane/auditEvent';
import { parseMetrics, tokenCounters } from '../../../../src/controlPlane/metrics';
import { ensureApiserverPod } from '../../../cluster/controlPlane/apiserverPod';
import { controlPlaneOf } from '../../../cluster/controlPlane/signals';
import { R } from '../../../cluster/resources';
import { create, ensureNode, NODE_1 } from '../../../cluster/scenarios/build';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Secret } from '../../../cluster/types';
import { FIXTURE_ROOT } from './support/fixtures';
import { send, type Reply } from './support/https';

const DIR = join(FIXTURE_ROOT, 'v1.28', 'control-plane');
const NS = 'rec-audit';
const PODS_URI = `/api/v1/namespaces/${NS}/pods`;
/** The recording was made with curl. */
const CURL = { 'User-Agent': 'curl/7.88.1' };
/** What 1.32 adds to a token's user.extra and 1.28 did not have. */
const NEWER_EXTRA = ['authentication.kubernetes.io/credential-id', 'authentication.kubernetes.io/node-name', 'authentication.kubernetes.io/node-uid'];

type Event = Record<string, unknown>;

function recorded(file: string): Event[] {
  return readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Event);
}

/** An event with what differs between any two runs masked; key order is kept. */
function masked(e: Event): string {
  const copy = structuredClone(e) as Event & { user?: { uid?: string; extra?: Record<string, string[]> }; annotations?: Record<string, string> };
  copy.auditID = '<id>';
  copy.requestReceivedTimestamp = copy.requestReceivedTimestamp === undefined ? undefined : '<time>';
  copy.stageTimestamp = copy.stageTimestamp === undefined ? undefined : '<time>';
  if (copy.user?.uid !== undefined) copy.user.uid = '<uid>';
  const extra = copy.user?.extra;
  if (extra !== undefined) {
    for (const k of NEWER_EXTRA) delete extra[k];
    if (extra['authentication.kubernetes.io/pod-uid'] !== undefined) extra['authentication.kubernetes.io/pod-uid'] = ['<uid>'];
  }
  const stale = copy.annotations?.['authentication.k8s.io/stale-token'];
  if (stale !== undefined && copy.annotations !== undefined) copy.annotations['authentication.k8s.io/stale-token'] = stale.replace(/\d+$/, '#');
  return JSON.stringify(copy);
}

/** Every event of the cluster's audit log with this auditID... found by what the request was. */
function eventsOf(cluster: TestCluster, match: (e: Event) => boolean): Event[] {
  const text = controlPlaneOf(cluster).audit?.text() ?? '';
  const events = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Event);
  const first = events.find(match);
  return first === undefined ? [] : events.filter((e) => e.auditID === first.auditID);
}

describe('control-plane evidence conforms to kube-apiserver v1.28.7', () => {
  let cluster: TestCluster;
  const replies: Record<string, Reply> = {};

  before(async () => {
    cluster = await startTestCluster({});
    const signals = controlPlaneOf(cluster);
    signals.enableAudit();
    cluster.batch(() => {
      ensureNode(cluster, NODE_1.name, NODE_1.ip);
      create(cluster, R.namespaces, undefined, { metadata: { name: NS } });
      create(cluster, R.serviceAccounts, NS, { metadata: { name: 'app' } });
      create(cluster, R.pods, NS, {
        metadata: { name: 'patroni-0' },
        spec: { serviceAccountName: 'app', nodeName: NODE_1.name, containers: [{ name: 'postgres', image: 'postgres:16' }] },
      });
      create(cluster, R.secrets, NS, {
        metadata: { name: 'app-legacy-token', annotations: { 'kubernetes.io/service-account.name': 'app' } },
        type: 'kubernetes.io/service-account-token',
      });
    });
    ensureApiserverPod(cluster, { node: NODE_1.name, auditLogPath: '/var/log/kubernetes/audit/audit.log' });
    const sa = cluster.store.peek(R.serviceAccounts, NS, 'app');
    const pod = cluster.store.peek(R.pods, NS, 'patroni-0');
    assert.ok(sa !== undefined && pod !== undefined);
    const mint = (seconds: number): string => {
      const issued = cluster.issuer.issue({
        namespace: NS,
        serviceAccount: { name: 'app', uid: sa.metadata.uid },
        boundObject: { kind: 'Pod', name: 'patroni-0', uid: pod.metadata.uid },
        expirationSeconds: seconds,
        nowSeconds: cluster.clock.nowSeconds(),
      });
      assert.ok(issued.ok);
      return issued.issued.token;
    };
    // As recorded: one token past its warnafter, one expired, one still fine until its pod goes.
    const stale = mint(3607);
    const expired = mint(600);
    const bound = mint(3607);
    cluster.advance(7200 - 3607 - 7);
    replies.valid = await send(cluster, { path: PODS_URI, auth: { token: bound }, headers: CURL });
    cluster.advance(3607 + 7);
    const legacy = Buffer.from((cluster.store.peek(R.secrets, NS, 'app-legacy-token') as Secret).data?.token ?? '', 'base64').toString('utf8');
    replies.stale = await send(cluster, { path: PODS_URI, auth: { token: stale }, headers: CURL });
    replies.expired = await send(cluster, { path: PODS_URI, auth: { token: expired }, headers: CURL });
    replies.legacy = await send(cluster, { path: PODS_URI, auth: { token: legacy }, headers: CURL });
    assert.ok(cluster.api.delete(R.pods, NS, 'patroni-0', { gracePeriodSeconds: 0 }).ok);
    assert.equal(cluster.store.peek(R.pods, NS, 'patroni-0'), undefined);
    // Past the apiserver's 10 s cache of good authentications.
    cluster.advance(11);
    replies.invalidated = await send(cluster, { path: PODS_URI, auth: { token: bound }, headers: CURL });
    replies.ordinary = await send(cluster, { path: '/api/v1/namespaces', headers: CURL });
    replies.metrics = await send(cluster, { path: '/metrics' });
    replies.metricsForbidden = await send(cluster, { path: '/metrics', auth: { token: legacy }, headers: CURL });
  });

  after(async () => {
    await cluster.stop();
  });

  it('answers the recorded requests as recorded', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(replies).map(([k, r]) => [k, r.status])), {
      valid: 403,
      stale: 403,
      expired: 401,
      legacy: 403,
      invalidated: 401,
      ordinary: 200,
      metrics: 200,
      metricsForbidden: 403,
    });
  });

  for (const [file, matchOurs] of [
    ['audit-stale-token.jsonl', (e: Event) => JSON.stringify(e.annotations ?? {}).includes('stale-token')],
    ['audit-legacy-token.jsonl', (e: Event) => JSON.stringify(e.annotations ?? {}).includes('legacy-token')],
  ] as const) {
    it(`writes ${file}'s events: both stages, the annotation on each, user.extra naming the pod`, () => {
      const ours = eventsOf(cluster, matchOurs);
      assert.deepEqual(ours.map(masked), recorded(file).map(masked));
    });
  }

  for (const [file, error] of [
    ['audit-401-expired.jsonl', 'has expired'],
    ['audit-401-invalidated.jsonl', 'has been invalidated'],
  ] as const) {
    it(`writes ${file}'s event: one ResponseStarted, no user, the caller's sourceIPs and userAgent`, () => {
      const text = controlPlaneOf(cluster).audit?.text() ?? '';
      const refused = text
        .split('\n')
        .filter((l) => l.includes('"code":401'))
        .map((l) => JSON.parse(l) as Event);
      const index = error === 'has expired' ? 0 : 1;
      const ours = refused[index];
      assert.ok(ours !== undefined, `a 401 event for the ${error} token`);
      assert.equal(masked(ours), masked(recorded(file)[0] ?? {}));
    });
  }

  it('writes ordinary events with the keys of audit-ordinary.jsonl: RequestReceived bare, ResponseComplete with the authorization annotations', () => {
    const ours = eventsOf(cluster, (e) => e.requestURI === '/api/v1/namespaces');
    const keys = (e: Event | undefined): string[] => Object.keys(e ?? {});
    const [received, complete] = recorded('audit-ordinary.jsonl');
    assert.deepEqual(
      ours.map((e) => e.stage),
      ['RequestReceived', 'ResponseComplete'],
    );
    assert.deepEqual(keys(ours[0]), keys(received));
    assert.deepEqual(keys(ours[1]), keys(complete));
    assert.deepEqual(keys(ours[1]?.annotations as Event), ['authorization.k8s.io/decision', 'authorization.k8s.io/reason']);
  });

  it('writes lines the product reads back as the recorded ones', () => {
    const text = controlPlaneOf(cluster).audit?.text() ?? '';
    const kinds = text
      .split('\n')
      .map(parseAuditLine)
      .flatMap((r) =>
        r.kind === 'event' ? [[r.event.stage, r.event.code ?? 0, r.event.staleToken !== undefined, r.event.legacyTokenSubject !== undefined] as const] : [],
      );
    assert.deepEqual(kinds, [
      ['RequestReceived', 0, true, false],
      ['ResponseComplete', 403, true, false],
      ['ResponseStarted', 401, false, false],
      ['RequestReceived', 0, false, true],
      ['ResponseComplete', 403, false, true],
      ['ResponseStarted', 401, false, false],
      // The legacy token asking for /metrics.
      ['RequestReceived', 0, false, true],
      ['ResponseComplete', 403, false, true],
    ]);
  });

  it('serves the counters of metrics-authentication.txt in its format, with the recorded values', () => {
    const fixture = readFileSync(join(DIR, 'metrics-authentication.txt'), 'utf8');
    const form = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.replace(/\{(\w+)="[^"]*"\}/, '{$1=…}').replace(/ \d+$/, ' #'));
    assert.deepEqual([...new Set(form(replies.metrics?.text ?? ''))], [...new Set(form(fixture))]);
    assert.equal(String(replies.metrics?.headers['content-type']), 'text/plain; version=0.0.4; charset=utf-8');
    const ours = tokenCounters(parseMetrics(replies.metrics?.text ?? '', 0));
    const theirs = tokenCounters(parseMetrics(fixture, 0));
    assert.deepEqual([ours.stale, ours.legacy, ours.valid, ours.attempts.error], [theirs.stale, theirs.legacy, theirs.valid, theirs.attempts.error]);
  });

  it('refuses /metrics to a user without get on the nonResourceURL, in the apiserver words', () => {
    assert.deepEqual(replies.metricsForbidden?.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "system:serviceaccount:rec-audit:app" cannot get path "/metrics"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    });
  });

  it('logs each refused token in kube-apiserver-node-1 as kube-apiserver-unauthenticated.log shows', async () => {
    const log = await send(cluster, { path: `/api/v1/namespaces/kube-system/pods/kube-apiserver-${NODE_1.name}/log` });
    assert.equal(log.status, 200);
    const form = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => l.includes('Unable to authenticate'))
        .map((l) => l.replace(/^E\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ /, 'E<time> <pid> '));
    assert.deepEqual(form(log.text), form(readFileSync(join(DIR, 'kube-apiserver-unauthenticated.log'), 'utf8')));
    // Every line of its log is the apiserver's own (klog), none our kubelet's.
    assert.deepEqual(
      log.text.split('\n').filter((l) => l !== '' && !/^[IWE]\d{4} /.test(l)),
      [],
    );
    const counts = countAuthFailures(log.text, cluster.clock.nowMs());
    assert.deepEqual([counts.expired, counts.invalidated, counts.other], [1, 1, 0]);
  });
});
