// Reading the audit log on a control-plane node as `kubectl debug node/…` would: on the test cluster's
// `stale-tokens` scenario, the apiserver's static pod says where the log is; a reader pod on that node
// mounts the folder, its files are read over exec (the active one and its rotated backups) and give the
// same stale pods as the files themselves; the reader pod is gone afterwards, also when the read fails.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  auditLocationOf,
  filesToRead,
  findAuditLocations,
  flagValue,
  isAuditLocation,
  readerPodManifest,
  readNodeAudit,
  READER_LABELS,
  type AuditLocation,
} from '../../../../src/cluster/actions/nodeAudit';
import { AuditLineScanner } from '../../../../src/controlPlane/auditScanner';
import { AuditSummary } from '../../../../src/controlPlane/auditSummary';
import { Clock } from '../../../cluster/clock';
import { R } from '../../../cluster/resources';
import { STALE_TOKENS, staleTokensIncident, type StaleTokensIncident } from '../../../cluster/scenarios/staleTokens';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { clientsFor, type Clients } from './support';

const T0 = Date.parse('2026-12-02T16:00:00Z');

function apiserverPod(
  command: string[],
  mounts: { name: string; mountPath: string }[],
  volumes: { name: string; hostPath?: { path: string } }[],
): Record<string, unknown> {
  return {
    metadata: { name: 'kube-apiserver-cp-1', namespace: 'kube-system' },
    spec: { nodeName: 'cp-1', containers: [{ name: 'kube-apiserver', command, volumeMounts: mounts }], volumes },
  };
}

/** A sink per file that feeds one scanner into one summary, as the command does. */
function summarising(): { summary: AuditSummary; sink: (name: string) => Writable; files: string[] } {
  const summary = new AuditSummary();
  const files: string[] = [];
  return {
    summary,
    files,
    sink: (name) => {
      files.push(name);
      const scanner = new AuditLineScanner((e) => summary.add(e));
      return new Writable({
        write(chunk: Buffer, _enc, cb) {
          scanner.push(chunk);
          cb();
        },
        final(cb) {
          scanner.end();
          cb();
        },
      });
    },
  };
}

describe('where an apiserver writes its audit log on its node', () => {
  it('reads --audit-log-path in both flag forms, the last one winning', () => {
    assert.equal(flagValue(['kube-apiserver', '--audit-log-path=/a.log'], '--audit-log-path'), '/a.log');
    assert.equal(flagValue(['kube-apiserver', '--audit-log-path', '/b.log', '--v=2'], '--audit-log-path'), '/b.log');
    assert.equal(flagValue(['--audit-log-path=/a.log', '--audit-log-path=/c.log'], '--audit-log-path'), '/c.log');
    assert.equal(flagValue(['--audit-log-pathx=/a.log'], '--audit-log-path'), undefined);
  });

  it('maps the path through the hostPath volume that holds it, the deepest mount winning', () => {
    const loc = auditLocationOf(
      apiserverPod(
        ['kube-apiserver', '--audit-log-path=/var/log/kubernetes/audit/audit.log'],
        [
          { name: 'logs', mountPath: '/var/log' },
          { name: 'audit', mountPath: '/var/log/kubernetes/audit/' },
        ],
        [
          { name: 'logs', hostPath: { path: '/srv/logs' } },
          { name: 'audit', hostPath: { path: '/data/audit' } },
        ],
      ),
    );
    assert.ok(isAuditLocation(loc));
    assert.deepEqual(loc, {
      apiserverPod: 'kube-apiserver-cp-1',
      node: 'cp-1',
      containerPath: '/var/log/kubernetes/audit/audit.log',
      nodePath: '/data/audit/audit.log',
      nodeDir: '/data/audit',
      fileName: 'audit.log',
    });
  });

  it('says why a log cannot be read from the node: no flag, stdout, not on a hostPath', () => {
    const reason = (
      command: string[],
      mounts: { name: string; mountPath: string }[] = [],
      volumes: { name: string; hostPath?: { path: string } }[] = [],
    ): string => {
      const loc = auditLocationOf(apiserverPod(command, mounts, volumes));
      assert.ok(!isAuditLocation(loc));
      return loc.reason;
    };
    assert.match(reason(['kube-apiserver']), /audit logging to a file is off \(the apiserver has no --audit-log-path flag\)/);
    assert.match(reason(['kube-apiserver', '--audit-log-path=-']), /goes to the apiserver's own output/);
    assert.match(
      reason(['kube-apiserver', '--audit-log-path=/tmp/audit.log'], [{ name: 'x', mountPath: '/tmp' }], [{ name: 'x' }]),
      /is not on a hostPath volume/,
    );
  });

  it('reads the active file first, then its backups newest first, never a gzipped one', () => {
    const names = ['audit-2026-12-01T10-00-00.000.log', 'audit.log', 'audit-2026-12-02T10-00-00.000.log', 'audit-2026-11-30T10-00-00.000.log.gz', 'other.log'];
    assert.deepEqual(filesToRead(names, 'audit.log'), ['audit.log', 'audit-2026-12-02T10-00-00.000.log', 'audit-2026-12-01T10-00-00.000.log']);
  });

  it('asks for a reader pod that sees only the audit folder, read-only, bound to the node and ending by itself', () => {
    const loc: AuditLocation = {
      apiserverPod: 'a',
      node: 'cp-1',
      containerPath: '/x/audit.log',
      nodePath: '/x/audit.log',
      nodeDir: '/x',
      fileName: 'audit.log',
    };
    const pod = readerPodManifest(loc, 'busybox:1.36') as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
    assert.deepEqual(pod.metadata.labels, READER_LABELS);
    assert.equal(pod.spec.nodeName, 'cp-1');
    assert.equal(pod.spec.automountServiceAccountToken, false);
    assert.ok(typeof pod.spec.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds > 0);
    assert.deepEqual(pod.spec.volumes, [{ name: 'audit', hostPath: { path: '/x', type: 'Directory' } }]);
    const [container] = pod.spec.containers as { volumeMounts: { readOnly: boolean }[]; image: string }[];
    assert.equal(container?.image, 'busybox:1.36');
    assert.deepEqual(
      container?.volumeMounts.map((m) => m.readOnly),
      [true],
    );
    assert.equal(JSON.stringify(pod).includes('hostPID'), false);
  });
});

describe('reading the audit log of the stale-tokens control-plane node', () => {
  let cluster: TestCluster;
  let incident: StaleTokensIncident;
  let admin: Clients;

  const readers = (): string[] =>
    cluster.store
      .list(R.pods)
      .filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] === READER_LABELS['app.kubernetes.io/component'])
      .map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`);

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['stale-tokens'], clock: new Clock(T0) });
    const found = staleTokensIncident(cluster);
    assert.ok(found !== undefined);
    incident = found;
    // Enough cluster time for the log to rotate twice: the backups are read too.
    for (let minute = 0; minute < 30 && incident.audit.rotations < 2; minute++) {
      cluster.advance(60);
      await incident.settled();
    }
    assert.ok(incident.audit.rotations >= 2);
    admin = clientsFor(cluster);
  });

  after(async () => {
    await admin.api.dispose();
    await cluster.stop();
  });

  it('finds the apiserver, its node and the audit path from its static pod', async () => {
    const found = await findAuditLocations(admin.api);
    assert.ok(found.ok);
    const [loc] = found.value;
    assert.equal(found.value.length, 1);
    assert.ok(loc !== undefined && isAuditLocation(loc));
    assert.equal(loc.nodePath, STALE_TOKENS.auditHostPath);
    assert.equal(loc.fileName, 'audit.log');
    assert.match(loc.node, /\S/);
  });

  it('reads the active file and its backups through a reader pod, names the same stale pods, and deletes the pod', async () => {
    const found = await findAuditLocations(admin.api);
    assert.ok(found.ok);
    const loc = found.value[0];
    assert.ok(loc !== undefined && isAuditLocation(loc));
    const stages: string[] = [];
    const { summary, sink, files } = summarising();
    const read = await readNodeAudit(admin.api, loc, {
      namespace: 'default',
      image: 'busybox:1.36',
      maxBytes: 64 * 1024 * 1024,
      sink,
      pollMs: 20,
      onStage: (s) => {
        if (stages.at(-1) !== s) stages.push(s);
      },
    });
    assert.ok(read.ok, read.ok ? '' : read.error.message);
    assert.deepEqual(stages, ['creating', 'waitingForStart', 'reading', 'deleting']);
    assert.equal(read.value.truncated, false);
    assert.equal(read.value.leftBehind, undefined);
    assert.equal(files[0], 'audit.log');
    assert.equal(files.length, 1 + incident.audit.rotations);
    // Every backup is read whole (the active file goes on growing with the reader's own audited requests).
    const sizes = new Map([...incident.audit.filesByName()].map(([name, text]) => [name, Buffer.byteLength(text() ?? '')]));
    for (const f of read.value.files.slice(1)) assert.equal(f.bytes, sizes.get(f.name), f.name);
    const holdingFirst = incident.clients.filter((c) => c.holds === 'first-token');
    assert.deepEqual(
      summary
        .result()
        .stalePods.map((p) => `${p.namespace}/${p.pod}`)
        .sort(),
      holdingFirst.map((c) => `${c.namespace}/${c.pod}`).sort(),
    );
    assert.deepEqual(readers(), [], 'the reader pod is deleted');
  });

  it('reads no further than its budget, newest first, and says the rest was left', async () => {
    const found = await findAuditLocations(admin.api);
    const loc = found.ok ? found.value[0] : undefined;
    assert.ok(loc !== undefined && isAuditLocation(loc));
    const active = Buffer.byteLength(incident.audit.text());
    const { sink, files } = summarising();
    const read = await readNodeAudit(admin.api, loc, { namespace: 'default', image: 'busybox:1.36', maxBytes: active + 100, sink, pollMs: 20 });
    assert.ok(read.ok);
    assert.equal(read.value.truncated, true);
    assert.deepEqual(files.slice(0, 1), ['audit.log']);
    assert.equal(
      read.value.files.reduce((n, f) => n + f.bytes, 0),
      active + 100,
    );
    assert.ok(read.value.skipped.length >= 1);
    assert.deepEqual(readers(), []);
  });

  it('deletes the reader pod also when the read fails, and says why', async () => {
    const found = await findAuditLocations(admin.api);
    const loc = found.ok ? found.value[0] : undefined;
    assert.ok(loc !== undefined && isAuditLocation(loc));
    const read = await readNodeAudit(
      admin.api,
      { ...loc, fileName: 'missing.log', nodePath: `${loc.nodeDir}/missing.log` },
      {
        namespace: 'default',
        image: 'busybox:1.36',
        maxBytes: 1024,
        sink: () => new Writable({ write: (_c, _e, cb) => cb() }),
        pollMs: 20,
      },
    );
    assert.ok(!read.ok);
    assert.match(read.error.message, /missing\.log is not on node .+; has the apiserver written an audit event yet\?/);
    assert.deepEqual(readers(), []);
  });

  it('creates nothing for a user who may not create pods: the refusal names the verb', async () => {
    const found = await findAuditLocations(admin.api);
    const loc = found.ok ? found.value[0] : undefined;
    assert.ok(loc !== undefined && isAuditLocation(loc));
    const reader = clientsFor(cluster, { serviceAccount: 'default/default' });
    try {
      const read = await readNodeAudit(reader.api, loc, {
        namespace: 'default',
        image: 'busybox:1.36',
        maxBytes: 1024,
        sink: () => new Writable(),
        pollMs: 20,
      });
      assert.ok(!read.ok);
      assert.equal(read.error.kind, 'forbidden');
      assert.match(read.error.message, /create.*pods/);
    } finally {
      await reader.api.dispose();
    }
    assert.deepEqual(readers(), []);
  });
});
