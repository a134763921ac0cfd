// The audit evidence service over real files the tests write in the recorded apiserver's shapes: nothing
// read before start, a file and a folder (a gzipped backup, the active file) read into one summary, an
// appended line followed and announced, a missing path said in a sentence while the others are read, the
// setting off said once with its name, and an untrusted workspace's own files never read.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { auditOffSentence, AuditEvidence, describeReadError, isRotatedBackup, resolveAuditPaths, type AuditPathSettings } from '../../../src/app/auditEvidence';
import { Emitter } from '../../../src/app/events';
import { effectiveSetting, RESTRICTED_SETTINGS } from '../../../src/shared/settingKeys';
import { legacyLine, ordinaryLine, staleLine, unauthorizedLine } from '../controlPlane/auditLines';
import { MemoryLog } from './support';

const T0 = Date.parse('2026-12-02T16:00:00Z');
const dirs: string[] = [];
const services: AuditEvidence[] = [];

after(() => {
  for (const s of services) s.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'audit-evidence-'));
  dirs.push(d);
  return d;
}

function stale(id: string, atMs: number, pod = 'billing-db-0'): string {
  return `${staleLine({ auditID: id, atMs, namespace: 'db', serviceAccount: 'billing-db', pod, podUid: `uid-${pod}`, seconds: 5000, sourceIP: '10.244.0.11' })}\n`;
}

class TestAuditSettings {
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;
  constructor(public auditPaths: AuditPathSettings) {}
  set(patch: Partial<AuditPathSettings>): void {
    this.auditPaths = { ...this.auditPaths, ...patch };
    this.emitter.fire();
  }
}

function service(
  paths: string[],
  patch: Partial<AuditPathSettings> = {},
): { audit: AuditEvidence; settings: TestAuditSettings; log: MemoryLog; changes: () => number } {
  const settings = new TestAuditSettings({ paths, trusted: true, workspaceFolders: [], ...patch });
  const log = new MemoryLog();
  const audit = new AuditEvidence({ settings, log, home: '/home/someone', debounceMs: 10, pollMs: 60_000 });
  services.push(audit);
  let changes = 0;
  audit.onDidChange(() => changes++);
  return { audit, settings, log, changes: () => changes };
}

function waitFor(what: string, test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const look = (): void => {
      if (test()) resolve();
      else if (Date.now() > end) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(look, 10);
    };
    look();
  });
}

describe('AuditEvidence', () => {
  it('reads nothing before start, then a file and a folder (a gzipped backup and the active file) into one summary', async () => {
    const dir = tempDir();
    const file = join(dir, 'single.log');
    writeFileSync(file, stale('s1', T0) + ordinaryLine({ auditID: 'o1', atMs: T0 }) + '\n');
    const folder = join(dir, 'audit');
    mkdirSync(folder);
    writeFileSync(join(folder, 'audit-2026-12-02T15-00-00.000.log.gz'), gzipSync(stale('b1', T0 - 60_000, 'billing-db-1')));
    writeFileSync(join(folder, 'audit.log'), legacyLine({ auditID: 'l1', atMs: T0, subject: 'system:serviceaccount:ci:release-bot' }) + '\n');
    const { audit, log } = service([file, folder]);
    const waiting = audit.status;
    assert.equal(waiting.state, 'reading');
    assert.match(waiting.sentence, /are read once the extension first turns to the cluster/);
    assert.equal(audit.summary(), undefined);
    assert.deepEqual(log.lines, [], 'nothing read, nothing said before start');

    audit.start();
    await audit.ready();
    const summary = audit.summary();
    assert.ok(summary);
    assert.deepEqual(summary.stalePods.map((p) => `${p.pod}:${p.requests}`).sort(), ['billing-db-0:1', 'billing-db-1:1']);
    assert.deepEqual(
      summary.legacyTokens.map((l) => l.subject),
      ['system:serviceaccount:ci:release-bot'],
    );
    const status = audit.status;
    assert.ok(status.state === 'on');
    assert.deepEqual(
      status.sources.map((s) => [s.path, s.ok]),
      [
        [file, true],
        [folder, true],
      ],
    );
    assert.equal(
      status.sources[0]?.sentence,
      `${file}: read 1 file, 2 lines (${Math.ceil(statSync(file).size / 1024)} KB), 1 event of stale, legacy or refused tokens; following single.log.`,
    );
    assert.match(status.sources[1]?.sentence ?? '', /: read 2 files, 2 lines .*, 2 events of stale, legacy or refused tokens; following audit\.log\.$/);
    assert.equal(status.sentence, 'Audit evidence from 2 paths of clusterCredentials.audit.paths.');
  });

  it('follows the active file: an appended request is counted and announced once for a burst', async () => {
    const dir = tempDir();
    const file = join(dir, 'audit.log');
    writeFileSync(file, stale('f1', T0));
    const { audit, changes } = service([file]);
    audit.start();
    await audit.ready();
    const afterRead = changes();
    assert.equal(afterRead, 1, 'the first read is announced');
    appendFileSync(
      file,
      stale('f2', T0 + 10_000) +
        stale('f3', T0 + 20_000) +
        unauthorizedLine({ auditID: 'u1', atMs: T0 + 30_000, sourceIP: '10.244.0.99', userAgent: 'curl/8' }) +
        '\n',
    );
    await audit.poke();
    await waitFor('the change event', () => changes() > afterRead);
    const summary = audit.summary();
    assert.equal(summary?.stalePods[0]?.requests, 3);
    assert.equal(summary?.stalePods[0]?.lastSeenMs, T0 + 20_000);
    assert.deepEqual(
      summary?.unauthorized.map((u) => u.sourceIP),
      ['10.244.0.99'],
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(changes(), afterRead + 1, 'three lines in one burst: one event');
  });

  it('says in a sentence which path is missing, and reads the others', async () => {
    const dir = tempDir();
    const good = join(dir, 'audit.log');
    writeFileSync(good, stale('m1', T0));
    const missing = join(dir, 'nope', 'audit.log');
    const { audit, log } = service([missing, good]);
    audit.start();
    await audit.ready();
    const status = audit.status;
    assert.ok(status.state === 'on');
    assert.deepEqual(status.sources[0], { setting: missing, path: missing, ok: false, sentence: `${missing} does not exist.` });
    assert.equal(status.sources[1]?.ok, true);
    assert.equal(status.sentence, `Audit evidence from 1 of 2 paths of clusterCredentials.audit.paths; ${missing} does not exist.`);
    assert.equal(audit.summary()?.stalePods.length, 1);
    assert.ok(log.lines.includes(`warn Audit log: ${missing} does not exist.`), log.lines.join('\n'));
  });

  it('is off without paths: says so once, with the setting to set, and summarises nothing', async () => {
    const { audit, log, settings, changes } = service([]);
    audit.start();
    audit.start();
    await audit.ready();
    assert.deepEqual(audit.status, { state: 'off', sentence: auditOffSentence() });
    assert.match(auditOffSentence(), /^Audit evidence is off: set clusterCredentials\.audit\.paths to /);
    assert.equal(audit.summary(), undefined);
    assert.deepEqual(log.lines, [`info ${auditOffSentence()}`]);

    // Set, then cleared again: the evidence goes, and the views are told.
    const file = join(tempDir(), 'audit.log');
    writeFileSync(file, stale('x1', T0));
    settings.set({ paths: [file] });
    await audit.ready();
    assert.equal(audit.summary()?.stalePods.length, 1);
    const before = changes();
    settings.set({ paths: [] });
    assert.equal(audit.summary(), undefined);
    assert.equal(audit.status.state, 'off');
    assert.equal(changes(), before + 1);
  });

  it('never reads a file inside an untrusted workspace, and reads the user’s own file outside it', async () => {
    const workspace = tempDir();
    const planted = join(workspace, 'audit.log');
    writeFileSync(planted, stale('p1', T0, 'planted-0'));
    const outside = join(tempDir(), 'audit.log');
    writeFileSync(outside, stale('o1', T0));
    const { audit, settings } = service(['audit.log', outside], { trusted: false, workspaceFolder: workspace, workspaceFolders: [workspace] });
    audit.start();
    await audit.ready();
    const status = audit.status;
    assert.ok(status.state === 'on');
    assert.equal(status.sources[0]?.ok, false);
    assert.equal(
      status.sources[0]?.sentence,
      `${planted} is inside this workspace, which is not trusted; trust the workspace (Manage Workspace Trust) to read it, or choose an audit log outside it.`,
    );
    assert.deepEqual(
      audit.summary()?.stalePods.map((p) => p.pod),
      ['billing-db-0'],
    );

    // Trusted: the same setting reads it.
    settings.set({ trusted: true });
    await audit.ready();
    assert.deepEqual(
      audit
        .summary()
        ?.stalePods.map((p) => p.pod)
        .sort(),
      ['billing-db-0', 'planted-0'],
    );
  });
});

describe('the audit paths of the setting', () => {
  it('is declared, restricted in untrusted workspaces, and there takes only the user value', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
      contributes: { configuration: { properties: Record<string, { type: string; default: unknown; markdownDescription: string }> } };
    };
    const declared = manifest.contributes.configuration.properties['clusterCredentials.audit.paths'];
    assert.ok(declared);
    assert.equal(declared.type, 'array');
    assert.deepEqual(declared.default, []);
    const nls = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;
    assert.equal(declared.markdownDescription, '%config.audit.paths.markdownDescription%');
    assert.match(nls['config.audit.paths.markdownDescription'] ?? '', /folders whose `audit\.log` and rotated `audit-\*\.log` and `\.gz` files are read/);
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('clusterCredentials.audit.paths'));
    assert.ok(RESTRICTED_SETTINGS.has('audit.paths'));
    const inspected = { defaultValue: [], globalValue: ['/var/log/kubernetes/audit'], workspaceValue: ['./planted'] };
    assert.deepEqual(effectiveSetting('audit.paths', inspected, false), ['/var/log/kubernetes/audit']);
    assert.deepEqual(effectiveSetting('audit.paths', { defaultValue: [], workspaceValue: ['./planted'] }, false), []);
    assert.deepEqual(effectiveSetting('audit.paths', inspected, true), ['./planted']);
  });

  it('expands ~ and resolves relative paths against the first workspace folder', () => {
    const settings: AuditPathSettings = {
      paths: ['~/logs/audit.log', 'kind/audit', '/var/log/kubernetes/audit/'],
      trusted: true,
      workspaceFolder: '/ws',
      workspaceFolders: ['/ws'],
    };
    assert.deepEqual(
      resolveAuditPaths(settings, '/home/me').map((p) => p.path),
      ['/home/me/logs/audit.log', '/ws/kind/audit', '/var/log/kubernetes/audit/'],
    );
    assert.ok(resolveAuditPaths(settings, '/home/me').every((p) => p.refused === undefined));
  });

  it('refuses, in an untrusted workspace, only the paths inside it', () => {
    const ws = tempDir();
    const resolved = resolveAuditPaths({ paths: ['audit.log', '/var/log/audit.log'], trusted: false, workspaceFolder: ws, workspaceFolders: [ws] }, '/home/me');
    assert.deepEqual(
      resolved.map((p) => p.refused !== undefined),
      [true, false],
    );
  });

  it('puts a read failure in words', () => {
    assert.equal(describeReadError('/a', "ENOENT: no such file or directory, open '/a'"), '/a does not exist.');
    assert.equal(
      describeReadError('/var/log/kubernetes/audit/audit.log', "EACCES: permission denied, open '/var/log/kubernetes/audit/audit.log'"),
      "/var/log/kubernetes/audit/audit.log cannot be read: permission denied (the API server's audit log is usually readable by root only).",
    );
    assert.equal(describeReadError('/b', 'EIO: i/o error'), '/b could not be read: EIO: i/o error');
  });

  it('tells rotated backups (read once) from active files (followed)', () => {
    assert.equal(isRotatedBackup('/l/audit-2026-12-02T16-22-58.123.log'), true);
    assert.equal(isRotatedBackup('/l/audit-2026-12-02T16-22-58.123.log.gz'), true);
    assert.equal(isRotatedBackup('/l/audit.log'), false);
    assert.equal(isRotatedBackup('/l/kube-apiserver-audit.log'), false);
  });
});
