// End to end on the test cluster's `stale-tokens` scenario: its audit folder (rotated as the clock moves)
// read by the audit evidence service, wired into the session state and the diagnosis as the extension
// wires them. The three pods that keep their first token are named, tied to their pods in the inventory;
// the pod that re-reads its token is not; the CI job's legacy token is joined with its Secret's last-used
// label; 401s sent later from a pod's IP are followed, announced and tied to that pod, and those from an
// address no pod holds are grouped by address.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditEvidence, type AuditPathSettings } from '../../../src/app/auditEvidence';
import { ClusterState } from '../../../src/app/clusterState';
import { DIAGNOSIS_SOURCE, Diagnosis } from '../../../src/app/diagnosis';
import { Emitter } from '../../../src/app/events';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { Finding } from '../../../src/diagnosis/types';
import type { HistoryRecord } from '../../../src/history/types';
import { Clock } from '../../cluster/clock';
import { handOverLiveFiles } from '../../cluster/scenarios/index';
import { STALE_TOKENS, staleTokensIncident, type StaleTokensIncident } from '../../cluster/scenarios/staleTokens';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { send } from '../testCluster/server/support/https';
import { MemoryFindings, MemoryHistory, MemoryLog, TestSessions, TestSettings } from './support';

const T0 = Date.parse('2026-12-02T16:00:00Z');

class AuditSettings {
  readonly onDidChange = new Emitter<void>().event;
  constructor(readonly auditPaths: AuditPathSettings) {}
}

describe('audit evidence of the stale-tokens scenario, through the diagnosis', () => {
  let cluster: TestCluster;
  let incident: StaleTokensIncident;
  let tmp: TempDir;
  let dir: string;
  let session: ClusterSession;
  let state: ClusterState;
  let audit: AuditEvidence;
  let diagnosis: Diagnosis;
  const findings = new MemoryFindings();
  const log = new MemoryLog();
  const history = new MemoryHistory();
  let settings: TestSettings;

  const current = (): readonly Finding[] => findings.bySource.get(DIAGNOSIS_SOURCE) ?? [];
  const ofRule = (rule: Finding['rule']): Finding[] => current().filter((f) => f.rule === rule);

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['stale-tokens'], clock: new Clock(T0) });
    const found = staleTokensIncident(cluster);
    assert.ok(found);
    incident = found;
    dir = mkdtempSync(join(tmpdir(), 'cc-audit-e2e-'));
    handOverLiveFiles(cluster.files, cluster.writeFiles(dir));
    // Minutes of cluster time until the log has rotated: a backup beside the active file.
    for (let minute = 0; minute < 30 && incident.audit.rotations < 1; minute++) {
      cluster.advance(60);
      await incident.settled();
    }
    assert.ok(incident.audit.rotations >= 1, 'the audit log rotated');

    tmp = tempDir('cc-audit-e2e-session-');
    session = sessionFor(cluster, tmp, 'admin');
    settings = new TestSettings();
    audit = new AuditEvidence({
      settings: new AuditSettings({ paths: [join(dir, 'audit')], trusted: true, workspaceFolders: [] }),
      log,
      debounceMs: 10,
      pollMs: 60_000,
    });
    state = new ClusterState({ sessions: new TestSessions(session), settings, history, log, audit, tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    diagnosis = new Diagnosis({ state, history, findings, settings, log, nowMs: () => cluster.clock.nowMs(), debounceMs: 10 });
  });

  after(async () => {
    diagnosis.dispose();
    state.dispose();
    audit.dispose();
    await session.api.dispose();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
    tmp.remove();
  });

  it('names the three pods that keep their first token, tied to their pods, and not the one that re-reads', async () => {
    diagnosis.start();
    await audit.ready();
    const status = audit.status;
    assert.ok(status.state === 'on', status.sentence);
    assert.ok(status.sources[0]?.ok, status.sources[0]?.sentence);
    assert.match(status.sources[0]?.sentence ?? '', new RegExp(`read ${incident.audit.rotations + 1} files, .* following audit\\.log\\.$`));
    await diagnosis.refresh();

    const holding = incident.clients.filter((c) => c.holds === 'first-token');
    const stale = ofRule('auditStaleToken');
    assert.deepEqual(
      stale.map((f) => (f.target?.kind === 'pod' ? `${f.target.namespace}/${f.target.name}/${f.target.uid}` : `untied ${f.title}`)).sort(),
      holding.map((c) => `${c.namespace}/${c.pod}/${c.podUid}`).sort(),
    );
    for (const f of stale) {
      assert.equal(f.severity, 'warning');
      assert.match(f.title, /^[\w-]+\/[\w-]+ uses a stale token$/);
      assert.ok(f.actions.some((a) => a.title === 'Restart pod (buys time, not a cure)'));
    }
    const billing = stale.find((f) => f.subject.namespace === 'db');
    assert.ok(billing);
    // Running 200 days, its token's warnafter an hour after start.
    assert.match(billing.explanation, /has sent a token past its warnafter for 199 days/);
    assert.match(billing.explanation, /upgrade Patroni to a release that re-reads its token file/);
    assert.ok(
      billing.evidence.some((e) => /\(pod db\/billing-db-0\), user agent Patroni\/2\.1\.4/.test(e.text)),
      'the source IP names the pod',
    );

    const rereads = incident.clients.find((c) => c.holds === 'fresh-token');
    assert.ok(rereads);
    assert.ok(!current().some((f) => f.rule === 'auditStaleToken' && f.subject.pod === rereads.pod));
  });

  it("joins the CI job's legacy token with its Secret and the Secret's last-used label", () => {
    const { namespace, name } = STALE_TOKENS.legacySecret;
    const [legacy] = ofRule('auditLegacyToken');
    assert.ok(
      legacy,
      current()
        .map((f) => f.title)
        .join('; '),
    );
    assert.equal(ofRule('auditLegacyToken').length, 1);
    assert.equal(legacy.title, `Legacy token ${namespace}/${name} is in use`);
    assert.deepEqual(legacy.target, { kind: 'secret', context: session.context, namespace, name, serviceAccount: 'release-bot' });
    const today = new Date(cluster.clock.nowMs()).toISOString().slice(0, 10);
    assert.match(legacy.explanation, new RegExp(`label says ${today}\\.`));
    assert.match(legacy.explanation, /user agent kubectl\/v1\.21\.14/);
    assert.match(legacy.explanation, /from 10\.244\.\d+\.\d+ \(pod ci\/release-bot-/);
    assert.deepEqual(ofRule('auditUnauthorized'), [], 'no 401 yet');
  });

  it('follows new 401s, ties those from a pod IP to the pod, and groups the others by address', async () => {
    const apisix = state.current?.snapshot()?.pods.find((p) => p.namespace === 'ingress-apisix');
    const ip = apisix?.podIPs?.[0];
    assert.ok(apisix && ip !== undefined, 'the inventory keeps the pod IP');
    const refused = async (from: string, agent: string): Promise<void> => {
      const reply = await send(cluster, {
        path: '/api/v1/services',
        auth: { token: 'not-a-token' },
        headers: { 'X-Forwarded-For': from, 'User-Agent': agent },
      });
      assert.equal(reply.status, 401);
    };
    await refused(ip, 'lua-resty-http/0.17.1 (Lua) ngx_lua/10025');
    await refused(ip, 'lua-resty-http/0.17.1 (Lua) ngx_lua/10025');
    await refused('192.168.50.7', 'curl/8.5.0');
    // No refresh asked for: the follower's read is announced and the diagnosis runs on it.
    await audit.poke();
    await waitFor('the 401 findings', () => ofRule('auditUnauthorized').length === 2 || undefined);
    const [tied, unknown] = [...ofRule('auditUnauthorized')].sort((a, b) => a.severity.localeCompare(b.severity));
    assert.ok(tied && unknown);
    assert.equal(tied.title, `401s from ingress-apisix/${apisix.name}`);
    assert.deepEqual(tied.target, {
      kind: 'pod',
      context: session.context,
      namespace: 'ingress-apisix',
      name: apisix.name,
      uid: apisix.uid,
      serviceAccount: 'apisix-internal',
      ...(apisix.owner ? { owner: apisix.owner } : {}),
    });
    assert.match(tied.explanation, new RegExp(`refused 2 requests at .* from ${ip.replace(/\./g, '\\.')}, the IP of pod`));
    assert.equal(unknown.title, '401s from 192.168.50.7');
    assert.deepEqual(
      unknown.evidence.map((e) => e.text.replace(/ at .* UTC/, '')),
      ['401: 1 request from 192.168.50.7, user agent curl/8.5.0'],
    );
  });

  it('keeps the audit evidence in history: written once, not again, and its findings back after a reload before any audit log is read', async () => {
    await diagnosis.refresh();
    const audits = (): HistoryRecord[] => history.records.filter((r) => r.kind === 'audit');
    const written = audits().length;
    assert.equal(written, 3 + 1 + 2, 'three stale pods, one legacy token, two refused callers');
    assert.ok(!audits().some((r) => JSON.stringify(r).includes('eyJ')), 'never a token');
    const apisix = state.current?.snapshot()?.pods.find((p) => p.namespace === 'ingress-apisix');
    assert.ok(apisix);
    const tied = audits().find((r) => r.kind === 'audit' && r.use === 'unauthorized' && r.subject.pod !== undefined);
    assert.deepEqual(tied?.subject, {
      context: session.context,
      namespace: 'ingress-apisix',
      pod: apisix.name,
      podUid: apisix.uid,
      serviceAccount: 'apisix-internal',
    });
    assert.ok(
      history.records.some((r) => r.kind === 'podAddress' && r.subject.podUid === apisix.uid && r.ip === apisix.podIPs?.[0]),
      'the pods’ addresses, for a 401 of a pod deleted later',
    );
    const addresses = history.records.filter((r) => r.kind === 'podAddress').length;
    await diagnosis.refresh();
    assert.equal(audits().length, written, 'the same evidence again writes nothing');
    assert.equal(history.records.filter((r) => r.kind === 'podAddress').length, addresses);

    // A reload: the audit setting not read yet (here: off), the same history.
    const off = new AuditEvidence({ settings: new AuditSettings({ paths: [], trusted: true, workspaceFolders: [] }), log });
    const reloaded = new ClusterState({
      sessions: new TestSessions(session),
      settings,
      history,
      log,
      audit: off,
      tuning: { coalesceMs: 0, retryDelaysMs: [50] },
    });
    const after = new MemoryFindings();
    const again = new Diagnosis({ state: reloaded, history, findings: after, settings, log, nowMs: () => cluster.clock.nowMs(), debounceMs: 10 });
    try {
      again.start();
      await again.refresh();
      const titles = (list: readonly Finding[] | undefined): string[] =>
        (list ?? [])
          .filter((f) => f.rule.startsWith('audit'))
          .map((f) => f.title)
          .sort();
      assert.deepEqual(titles(after.bySource.get(DIAGNOSIS_SOURCE)), titles(current()));
      assert.equal(titles(current()).length, 3 + 1 + 2);
      assert.equal(audits().length, written, 'what history gave back is not written again');
    } finally {
      again.dispose();
      reloaded.dispose();
      off.dispose();
    }
  });
});
