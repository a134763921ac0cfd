// The 401 scanner against the test cluster's pod logs and events: every container, the previous
// instance, tailLines / sinceSeconds, masking, hostile lines kept as text, and a followed log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { followUnauthorized, scanUnauthorized } from '../../../../src/cluster/scan/unauthorizedScan';
import type { UnauthorizedEvent } from '../../../../src/history/types';
import { compilePatterns } from '../../../../src/logs';
import { type Harness, PATTERNS, onePod, startHarness } from './support';

const HOSTILE = '<img src=x onerror=alert(1)></script><script>alert(1)</script><a href="javascript:alert(1)">401 Unauthorized</a>';

describe('scanUnauthorized on the test cluster', () => {
  let h: Harness;
  let rawToken: string;

  before(async () => {
    h = await startHarness(['healthy']);
    const api = onePod(h.cluster, 'payments', 'api-');
    const path = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    rawToken = h.cluster.kubelet.readFile(api.metadata.uid, path) ?? '';
    assert.ok(rawToken.startsWith('eyJ'));
    const logs = h.cluster.logs.container('payments', api.metadata.name, 'api');
    logs.append('GET /healthz 200');
    h.cluster.advance(5);
    logs.append(`request failed: 401 Unauthorized, sent Authorization: Bearer ${rawToken}`);
    h.cluster.advance(5);
    logs.append(HOSTILE);
    h.cluster.advance(5);
    logs.append('all good');

    const apisix = onePod(h.cluster, 'gateway', 'apisix-');
    h.cluster.logs.container('gateway', apisix.metadata.name, 'apisix').append('[error] token has expired, refresh failed');
    h.cluster.restartContainer('gateway', apisix.metadata.name, 'apisix');
    h.cluster.logs.container('gateway', apisix.metadata.name, 'apisix').append('started again, invalid bearer token');
    h.cluster.events.record(apisix, 'Warning', 'FailedMount', 'MountVolume.SetUp failed: Unauthorized', 'kubelet', 'node-1');
  });
  after(() => h.close());

  it('finds 401 lines in every container, the previous instance and the events, masked', async () => {
    const result = await scanUnauthorized(h.session, { kind: 'context' }, { patterns: PATTERNS, nowMs: h.now });
    assert.deepEqual(result.problems, []);
    assert.equal(result.cancelled, false);
    const lines = result.events.map((e) => `${e.source} ${e.subject.namespace}/${e.subject.container ?? '-'} ${e.pattern}`);
    assert.ok(lines.includes('log payments/api http-401'), lines.join('\n'));
    assert.ok(lines.includes('log gateway/apisix token-expired'), 'the previous container instance is scanned');
    assert.ok(lines.includes('log gateway/apisix invalid-bearer-token'));
    assert.ok(lines.includes('event gateway/- unauthorized'));
    for (const e of result.events) assert.ok(!e.line.includes(rawToken.slice(10, 60)), `raw token in ${e.line}`);
    const masked = result.events.find((e) => e.line.includes('Bearer'));
    assert.ok(masked);
    assert.match(masked.line, /Bearer eyJ…\[token sha256:[0-9a-f]{8}\]/);
    assert.doesNotMatch(masked.line, /^\d{4}-\d{2}-\d{2}T/, 'the kubelet timestamp is dropped from the line');
    const hostile = result.events.find((e) => e.line.includes('onerror'));
    assert.ok(hostile, 'the hostile line is reported');
    assert.equal(hostile.line, HOSTILE, 'kept verbatim as text; the webview escapes it');
    const event = result.events.find((e) => e.source === 'event');
    assert.ok(event);
    assert.equal(event.line, 'FailedMount: MountVolume.SetUp failed: Unauthorized');
    assert.equal(event.subject.pod?.startsWith('apisix-'), true);
    // Times come from the kubelet's timestamps: the 401 line is 5 s after the first line.
    const apiEvent = result.events.find((e) => e.pattern === 'http-401' && e.subject.namespace === 'payments');
    assert.ok(apiEvent);
    assert.ok(apiEvent.at <= h.now() - 10_000 && apiEvent.at >= h.now() - 15_000, `at ${apiEvent.at} now ${h.now()}`);
  });

  it('narrows to a pod, a service account and a namespace, and honours tailLines and sinceSeconds', async () => {
    const api = onePod(h.cluster, 'payments', 'api-');
    const pod = await scanUnauthorized(h.session, { kind: 'pod', namespace: 'payments', name: api.metadata.name }, { patterns: PATTERNS, nowMs: h.now });
    assert.deepEqual(new Set(pod.events.map((e) => e.subject.pod)), new Set([api.metadata.name]));
    const sa = await scanUnauthorized(h.session, { kind: 'serviceAccount', namespace: 'gateway', name: 'apisix' }, { patterns: PATTERNS, nowMs: h.now });
    assert.ok(sa.events.length >= 3);
    assert.ok(sa.events.every((e) => e.subject.namespace === 'gateway'));
    const tail = await scanUnauthorized(h.session, { kind: 'namespace', namespace: 'payments' }, { patterns: PATTERNS, nowMs: h.now, tailLines: 1 });
    assert.equal(tail.events.filter((e) => e.source === 'log').length, 0, 'the last line has no 401');
    const since = await scanUnauthorized(h.session, { kind: 'namespace', namespace: 'payments' }, { patterns: PATTERNS, nowMs: h.now, sinceSeconds: 7 });
    assert.deepEqual(
      since.events.filter((e) => e.source === 'log').map((e) => e.pattern),
      ['http-401'],
      'only the hostile line is newer than 7 s',
    );
  });

  it('reports accepted requests when given success patterns', async () => {
    const success = compilePatterns([{ id: 'http-2xx', label: 'HTTP 2xx', regex: ' 2\\d\\d$' }]);
    const result = await scanUnauthorized(
      h.session,
      { kind: 'namespace', namespace: 'payments' },
      { patterns: PATTERNS, successPatterns: success, nowMs: h.now },
    );
    assert.equal(result.successes.length, 1);
    assert.equal(result.successes[0]?.subject.container, 'api');
  });

  it('stops early when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await scanUnauthorized(h.session, { kind: 'context' }, { patterns: PATTERNS, nowMs: h.now, signal: controller.signal });
    assert.equal(result.cancelled, true);
    assert.equal(result.scanned.pods, 0);
  });

  it('comes back with a sentence for a pod that does not exist', async () => {
    const result = await scanUnauthorized(h.session, { kind: 'pod', namespace: 'payments', name: 'nope' }, { patterns: PATTERNS, nowMs: h.now });
    assert.equal(result.events.length, 0);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0] ?? '', /^listing pods: /);
  });

  it('follows a log and reports 401 lines as they are written, masked', async () => {
    const api = onePod(h.cluster, 'payments', 'api-');
    const seen: UnauthorizedEvent[] = [];
    let notify: () => void = () => undefined;
    const follow = await followUnauthorized(
      h.session,
      { namespace: 'payments', pod: api.metadata.name, podUid: api.metadata.uid, container: 'api' },
      { patterns: PATTERNS, nowMs: h.now, tailLines: 1 },
      (e) => {
        seen.push(e);
        notify();
      },
    );
    const arrived = (n: number): Promise<void> =>
      new Promise((resolve) => {
        notify = () => {
          if (seen.length >= n) resolve();
        };
        notify();
      });
    h.cluster.logs.container('payments', api.metadata.name, 'api').append(`later: 401 Unauthorized token=${rawToken}`);
    await arrived(1);
    follow.stop();
    await follow.done;
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.pattern, 'http-401');
    assert.equal(seen[0]?.subject.podUid, api.metadata.uid);
    assert.ok(!seen[0]?.line.includes(rawToken.slice(10, 60)));
    assert.match(seen[0]?.line ?? '', /token=eyJ…\[token sha256:/);
  });
});
