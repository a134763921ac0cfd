// The audit line under the explorer's Findings node, built from the real audit evidence service over files
// the tests write: off (naming the setting, a click that opens it, the whole sentence as its tooltip), waiting
// for the first read, what was read and followed, and the sentence of a path that could not be read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { auditOffSentence, AuditEvidence, type AuditPathSettings, type AuditStatus } from '../../../../src/app/auditEvidence';
import { Emitter } from '../../../../src/app/events';
import type { InventorySnapshot, ResourceStatus } from '../../../../src/cluster/inventory/types';
import type { Finding } from '../../../../src/diagnosis/types';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import type { ExplorerNode, ModelSession } from '../../../../src/ui/explorer/explorerNode';
import { escapeMarkdown } from '../../../../src/ui/markdown/escape';
import { MemoryLog } from '../../app/support';
import { legacyLine, staleLine } from '../../controlPlane/auditLines';
import { child } from './support';

const NOW = 1_800_000_000;
const T0 = Date.parse('2026-12-02T16:00:00Z');
const SETTING = 'clusterCredentials.audit.paths';
const OPEN_SETTING = { command: 'workbench.action.openSettings', title: 'Open Setting', arguments: [SETTING] };

const SESSION: ModelSession = {
  context: 'prod',
  summary: { name: 'prod', cluster: 'prod-cluster', server: 'https://10.0.0.1:6443', user: 'alice', file: '/home/alice/.kube/config' },
  credential: { context: 'prod', user: 'alice', kind: 'token', expiresAtSec: NOW + 6 * 3600, issuedAtSec: NOW - 3600, expirySource: 'jwt' },
};

function snapshot(): InventorySnapshot {
  const ready = (): Map<string, ResourceStatus> => new Map([['*', { state: 'ready' }]]);
  return {
    version: 1,
    namespaces: [{ name: 'payments' }],
    serviceAccounts: [],
    pods: [],
    secrets: [],
    status: { namespaces: ready(), serviceaccounts: ready(), pods: ready(), secrets: ready() },
    namespacesFixed: false,
  };
}

function findingsOf(audit: AuditStatus | undefined, findings: Finding[] = [], remoteWindow?: boolean): ExplorerNode {
  const m = buildExplorerModel({
    nowSec: NOW,
    session: SESSION,
    inventory: snapshot(),
    findings,
    liveMode: 'onDemand',
    ...(audit !== undefined ? { audit } : {}),
    ...(remoteWindow !== undefined ? { remoteWindow } : {}),
  });
  const node = m.roots[1];
  assert.equal(node?.label, 'Findings');
  return node;
}

const dirs: string[] = [];
const services: AuditEvidence[] = [];
after(() => {
  for (const s of services) s.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'audit-line-'));
  dirs.push(d);
  return d;
}

function evidence(paths: string[]): AuditEvidence {
  const settings: { auditPaths: AuditPathSettings; onDidChange: Emitter<void>['event'] } = {
    auditPaths: { paths, trusted: true, workspaceFolders: [] },
    onDidChange: new Emitter<void>().event,
  };
  const audit = new AuditEvidence({ settings, log: new MemoryLog(), home: '/home/someone', debounceMs: 10, pollMs: 60_000 });
  services.push(audit);
  return audit;
}

function stale(id: string, atMs: number, pod: string): string {
  return `${staleLine({ auditID: id, atMs, namespace: 'db', serviceAccount: 'billing-db', pod, podUid: `uid-${pod}`, seconds: 5000, sourceIP: '10.244.0.11' })}\n`;
}

/** A folder as the apiserver leaves it (a gzipped backup beside the active file), and a single file. */
function auditFiles(): { folder: string; file: string } {
  const dir = tempDir();
  const folder = join(dir, 'audit');
  mkdirSync(folder);
  writeFileSync(join(folder, 'audit-2026-12-02T15-00-00.000.log.gz'), gzipSync(stale('b1', T0 - 60_000, 'billing-db-1')));
  writeFileSync(join(folder, 'audit.log'), `${legacyLine({ auditID: 'l1', atMs: T0, subject: 'system:serviceaccount:ci:release-bot' })}\n`);
  const file = join(dir, 'single.log');
  writeFileSync(file, stale('s1', T0, 'billing-db-0'));
  return { folder, file };
}

function finding(id: string, title: string): Finding {
  return { id, rule: 'expired', severity: 'warning', title, explanation: `${title}.`, subject: { context: 'prod' }, evidence: [], actions: [] };
}

describe('the audit line under Findings', () => {
  it('says the audit evidence is off, names the setting, opens it on a click, and shows the whole sentence as its tooltip', () => {
    const audit = evidence([]);
    audit.start();
    assert.equal(audit.status.state, 'off');
    const node = findingsOf(audit.status);
    assert.deepEqual(
      node.children?.map((c) => c.label),
      ['No problems found', 'Audit evidence is off'],
    );
    assert.equal(node.expanded, true, 'open, so the line is seen without a click');
    const line = child(node, 'Audit evidence is off');
    assert.equal(line.description, `set ${SETTING}`);
    assert.equal(line.icon, 'info');
    assert.equal(line.tone, 'muted');
    assert.deepEqual(line.command, OPEN_SETTING);
    assert.equal(line.parent, node);
    const tooltip = line.tooltip?.() ?? '';
    assert.ok(tooltip.includes(escapeMarkdown(auditOffSentence())), tooltip);
    assert.match(tooltip, /^\*\*Audit evidence is off\*\*/);
  });

  it('in a remote window opens the Remote settings, the only ones where the machine-overridable setting counts', () => {
    const audit = evidence([]);
    audit.start();
    assert.deepEqual(child(findingsOf(audit.status, [], true), 'Audit evidence is off').command, {
      command: 'workbench.action.openRemoteSettings',
      title: 'Open Setting',
      arguments: [{ query: SETTING }],
    });
    assert.deepEqual(child(findingsOf(audit.status, [], false), 'Audit evidence is off').command, OPEN_SETTING);
  });

  it('comes after the findings, which keep their order and their children', () => {
    const audit = evidence([]);
    audit.start();
    const node = findingsOf(audit.status, [finding('a', 'Refresh stalled'), finding('b', 'Legacy token')]);
    assert.deepEqual(
      node.children?.map((c) => [c.id, c.label]),
      [
        ['finding:a', 'Refresh stalled'],
        ['finding:b', 'Legacy token'],
        ['findings/audit', 'Audit evidence is off'],
      ],
    );
    assert.equal(node.description, '2', 'the count is of findings, not lines');
  });

  it('is absent where there is no audit reader, and Findings stays closed with nothing to show', () => {
    const node = findingsOf(undefined);
    assert.deepEqual(
      node.children?.map((c) => c.label),
      ['No problems found'],
    );
    assert.equal(node.expanded, false);
  });

  it('says the logs are read once the extension turns to the cluster, then what was read and followed', async () => {
    const { folder, file } = auditFiles();
    const audit = evidence([folder, file]);
    const waiting = child(findingsOf(audit.status), 'Reading the audit logs…');
    assert.equal(waiting.icon, 'loading~spin');
    assert.match(waiting.tooltip?.() ?? '', /are read once the extension first turns to the cluster/);
    assert.deepEqual(waiting.command, OPEN_SETTING);

    audit.start();
    await audit.ready();
    const status = audit.status;
    assert.equal(status.state, 'on');
    const node = findingsOf(status);
    // The folder's backup and active file, and the single file: three read, the two active ones followed.
    const line = child(node, 'Audit evidence: 3 files read, 2 followed');
    assert.equal(line.description, `${folder}, ${file}`);
    assert.equal(line.icon, 'info');
    assert.equal(line.tone, 'muted');
    assert.deepEqual(line.command, OPEN_SETTING);
    assert.equal(node.expanded, false, 'nothing needs the eye: the Findings node stays as the findings leave it');
    const tooltip = line.tooltip?.() ?? '';
    assert.ok(tooltip.includes(escapeMarkdown(status.sentence)), tooltip);
    for (const s of status.state === 'on' ? status.sources : []) assert.ok(tooltip.includes(escapeMarkdown(s.sentence)), `${s.sentence} in ${tooltip}`);
    assert.match(tooltip, /following audit\.log\./);
  });

  it('says why a path could not be read, as a warning, while the other paths are read', async () => {
    const { file } = auditFiles();
    const missing = join(tempDir(), 'gone', 'audit.log');
    const audit = evidence([missing, file]);
    audit.start();
    await audit.ready();
    const node = findingsOf(audit.status);
    const line = child(node, `${missing} does not exist.`);
    assert.equal(line.id, 'findings/audit');
    assert.equal(line.description, `1 of 2 paths of ${SETTING} read`);
    assert.equal(line.icon, 'warning');
    assert.equal(line.tone, 'warning');
    assert.deepEqual(line.command, OPEN_SETTING);
    assert.equal(node.expanded, true);
    const tooltip = line.tooltip?.() ?? '';
    assert.ok(tooltip.includes(escapeMarkdown(`${missing} does not exist.`)), tooltip);
    assert.match(tooltip, /single\.log: read 1 file/);
  });

  it('a single unreadable path needs no count: the setting is named', async () => {
    const missing = join(tempDir(), 'nothing-here');
    const audit = evidence([missing]);
    audit.start();
    await audit.ready();
    const line = child(findingsOf(audit.status), `${missing} does not exist.`);
    assert.equal(line.description, SETTING);
  });
});
