// The `stale-tokens` scenario, read the way the extension will read it: its audit log handed over
// into a folder (as `npm run cluster -- --dir D` does), then the folder read with the product's
// audit reader. Exactly the three pods that keep their first token show as stale, the CI job's
// legacy token shows, the pod that re-reads its token does not, and the log has rotated.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { followAuditFile, type AuditFollower } from '../../../../src/controlPlane/auditFollower';
import { readAuditPaths } from '../../../../src/controlPlane/auditReader';
import { AuditSummary } from '../../../../src/controlPlane/auditSummary';
import { parseMetrics, tokenCounters } from '../../../../src/controlPlane/metrics';
import { Clock } from '../../../cluster/clock';
import { handOverLiveFiles } from '../../../cluster/scenarios/index';
import { STALE_TOKENS, staleTokensIncident, type StaleTokensIncident } from '../../../cluster/scenarios/staleTokens';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { send } from './support/https';

const T0 = Date.parse('2026-12-02T16:00:00Z');
const DAY = 24 * 60 * 60;

describe('the stale-tokens scenario', () => {
  let cluster: TestCluster;
  let incident: StaleTokensIncident;
  let dir: string;
  let auditDir: string;
  let follower: AuditFollower;
  const followed: string[] = [];

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['stale-tokens'], clock: new Clock(T0) });
    const found = staleTokensIncident(cluster);
    assert.ok(found !== undefined);
    incident = found;
    dir = mkdtempSync(join(tmpdir(), 'stale-tokens-'));
    handOverLiveFiles(cluster.files, cluster.writeFiles(dir));
    auditDir = join(dir, 'audit');
    // The extension's way of reading it: following the active file across rotations.
    follower = followAuditFile(join(auditDir, 'audit.log'), (e) => followed.push(`${e.auditID}/${e.stage}`), { pollMs: 60_000 });
  });

  after(async () => {
    await follower.dispose();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the audit log over as a scenario file and goes on writing it there', async () => {
    const file = join(dir, ...STALE_TOKENS.auditFile.split('/'));
    assert.equal(incident.audit.activePath, file);
    const before = statSync(file).size;
    assert.ok(before > 0, 'the first round of requests is there at once');
    cluster.advance(10);
    await incident.settled();
    assert.ok(statSync(file).size > before || incident.audit.rotations > 0);
  });

  it('rotates the log as the clock moves: the old file renamed beside it, a new one begun', async () => {
    // Every minute of cluster time brings every workload's requests; the log rotates at 64 KiB.
    for (let minute = 0; minute < 30 && incident.audit.rotations < 2; minute++) {
      cluster.advance(60);
      await incident.settled();
      await follower.poke();
    }
    assert.ok(incident.audit.rotations >= 2, `rotated ${incident.audit.rotations} times`);
    const names = readdirSync(auditDir).sort();
    assert.ok(names.includes('audit.log'));
    const backups = names.filter((n) => /^audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log$/.test(n));
    assert.equal(backups.length, incident.audit.rotations);
    for (const b of backups) assert.ok(statSync(join(auditDir, b)).size <= STALE_TOKENS.auditMaxSizeBytes);
  });

  it('names exactly the three pods that keep their first token, and the legacy token, read back by the product', async () => {
    const summary = new AuditSummary();
    const report = await readAuditPaths([auditDir], (e) => summary.add(e));
    assert.ok(report.files.length >= 3 && report.files.every((f) => f.ok));
    assert.equal(report.totals.malformed, 0);
    const { stalePods, legacyTokens, unauthorized } = summary.result();

    const holdingFirst = incident.clients.filter((c) => c.holds === 'first-token');
    assert.deepEqual(
      stalePods.map((p) => `${p.namespace}/${p.pod}/${p.podUid ?? ''}`).sort(),
      holdingFirst.map((c) => `${c.namespace}/${c.pod}/${c.podUid}`).sort(),
    );
    assert.deepEqual(holdingFirst.map((c) => c.namespace).sort(), ['db', 'ingress-apisix', 'payments']);
    const rereads = incident.clients.find((c) => c.holds === 'fresh-token');
    assert.ok(rereads !== undefined && !stalePods.some((p) => p.pod === rereads.pod));

    // Each has been past warnafter (an hour after it started) for as long as it has run, less that hour.
    const expected: Record<string, number> = { db: 200, 'ingress-apisix': 45, payments: 9 };
    for (const p of stalePods) {
      const days = expected[p.namespace] ?? 0;
      assert.ok(p.maxSecondsAfterWarning !== undefined && p.maxSecondsAfterWarning >= days * DAY - 3607, `${p.pod}: ${p.maxSecondsAfterWarning}`);
      assert.ok(p.maxSecondsAfterWarning <= days * DAY - 3607 + 2 * 3600, `${p.pod}: ${p.maxSecondsAfterWarning}`);
      assert.ok(p.requests >= 2);
      assert.equal(p.sourceIPs.length, 1);
      assert.match(p.sourceIPs[0] ?? '', /^10\.244\./);
    }
    assert.deepEqual(stalePods.find((p) => p.namespace === 'db')?.userAgents, ['Patroni/2.1.4 Python/3.10.6 Linux']);

    assert.deepEqual(
      legacyTokens.map((l) => [l.subject, l.userAgents]),
      [['system:serviceaccount:ci:release-bot', ['kubectl/v1.21.14 (linux/amd64) kubernetes/0f77da5']]],
    );
    assert.deepEqual(unauthorized, []);
  });

  it('is followed across its rotations: the follower saw every event the files hold', async () => {
    await follower.poke();
    assert.equal(follower.rotations, incident.audit.rotations);
    const inFiles: string[] = [];
    await readAuditPaths([auditDir], (e) => inFiles.push(`${e.auditID}/${e.stage}`));
    assert.ok(inFiles.length > 0);
    assert.deepEqual([...followed].sort(), inFiles.sort());
  });

  it('counts the same on /metrics as the audit log shows', async () => {
    const reply = await send(cluster, { path: '/metrics' });
    assert.equal(reply.status, 200);
    const counters = tokenCounters(parseMetrics(reply.text, cluster.clock.nowMs()));
    // The apiserver counts checks: the 10 s cache of good authentications answers some requests again.
    assert.ok((counters.stale ?? 0) >= 3);
    assert.ok((counters.legacy ?? 0) >= 1);
    assert.ok((counters.valid ?? 0) >= 1, 'the pod that re-reads sends tokens before their warnafter');
    assert.equal(counters.attempts.error, undefined);
  });

  it('gives the apiserver a pod whose log is its own', async () => {
    const reply = await send(cluster, { path: '/api/v1/namespaces/kube-system/pods/kube-apiserver-node-1/log' });
    assert.equal(reply.status, 200);
    assert.match(reply.text, /^I\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +1 options\.go:220\] "external host was not specified, using 127\.0\.0\.1"\n/);
    assert.ok(existsSync(auditDir));
  });
});
