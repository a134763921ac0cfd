// The API server's audit logs as evidence, for as long as the extension runs: the files and folders of
// `clusterCredentials.audit.paths` read once (rotated backups, gzipped or not, oldest first), their active
// files followed (appended lines, rotation), everything folded into one AuditSummary. The diagnosis reads
// the summary; a change event (debounced) says new evidence came. Nothing is read before start(), and in an
// untrusted workspace no file inside the workspace is read. Plain Node: the setting comes from ui/settings.ts.
import * as l10n from '@vscode/l10n';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { backupTimeMs, expandAuditPaths, readAuditPaths } from '../controlPlane/auditReader';
import { followAuditFile, type AuditFollower } from '../controlPlane/auditFollower';
import type { AuditEvent } from '../controlPlane/auditEvent';
import type { AuditScanStats } from '../controlPlane/auditScanner';
import { AuditSummary, mergeAuditInputs, type AuditFindingsInput } from '../controlPlane/auditSummary';
import { expandSettingPath, isInsideAnyFolder } from '../cluster/auth/workspacePaths';
import { errorMessage } from '../shared/values';
import { semicolonList, sentences } from '../diagnosis/wording';
import { Emitter, type Disposable, type Event } from './events';

export const AUDIT_PATHS_SETTING = 'clusterCredentials.audit.paths';

/** The setting as written, with what decides whether each path may be read. */
export interface AuditPathSettings {
  /** As the user wrote them: `~`, relative paths and `${workspaceFolder}` are resolved here. */
  paths: string[];
  /** The first workspace folder: relative paths resolve against it. */
  workspaceFolder?: string;
  trusted: boolean;
  /** Every workspace folder on disk: an untrusted workspace's files are never read. */
  workspaceFolders: string[];
}

export interface AuditSettingsSource {
  readonly auditPaths: AuditPathSettings;
  readonly onDidChange: Event<unknown>;
}

export interface AuditEvidenceLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** What became of one configured path, in words. */
export interface AuditSourceReport {
  /** As configured. */
  setting: string;
  /** Resolved, absolute. */
  path: string;
  ok: boolean;
  sentence: string;
  /** Files read (rotated backups once, active files from their start), and of them the active files followed. */
  files?: number;
  followed?: number;
}

export type AuditStatus =
  { state: 'off'; sentence: string } | { state: 'reading'; sentence: string } | { state: 'on'; sentence: string; sources: AuditSourceReport[] };

/** What the diagnosis and the views read of the audit evidence; AuditEvidence fits. */
export interface AuditSource {
  readonly status: AuditStatus;
  readonly onDidChange: Event<void>;
  /** The audit evidence for `context`: the setting's files, and what was read on demand from that context's nodes. */
  summary(context?: string): AuditFindingsInput | undefined;
  /** What a control-plane node's audit log showed, read on demand: part of `context`'s evidence from now on. */
  addNodeRead(context: string, found: AuditFindingsInput): void;
  start(): void;
}

export interface AuditEvidenceOptions {
  settings: AuditSettingsSource;
  log: AuditEvidenceLog;
  home?: string;
  /** New evidence is announced at most this often (default 2 s). */
  debounceMs?: number;
  /** How often a followed file is looked at when no change notification came (default 2 s). */
  pollMs?: number;
}

/** What the audit evidence says while the setting names no path. */
export function auditOffSentence(): string {
  return l10n.t(
    "Audit evidence is off: set {0} to the API server's audit log (a file or a folder) to find pods that send a stale token months before it fails.",
    AUDIT_PATHS_SETTING,
  );
}

/** A path that may be read, or why not. */
export type ResolvedAuditPath = { setting: string; path: string; refused?: string };

/** The configured paths made absolute; in an untrusted workspace a path inside it is refused with a sentence. */
export function resolveAuditPaths(settings: AuditPathSettings, home: string): ResolvedAuditPath[] {
  const seen = new Set<string>();
  const out: ResolvedAuditPath[] = [];
  for (const setting of settings.paths) {
    const path = expandSettingPath(setting, { home, ...(settings.workspaceFolder !== undefined ? { workspaceFolder: settings.workspaceFolder } : {}) });
    if (seen.has(path)) continue;
    seen.add(path);
    if (!settings.trusted && isInsideAnyFolder(path, settings.workspaceFolders)) {
      out.push({
        setting,
        path,
        refused: l10n.t(
          '{0} is inside this workspace, which is not trusted; trust the workspace (Manage Workspace Trust) to read it, or choose an audit log outside it.',
          path,
        ),
      });
    } else out.push({ setting, path });
  }
  return out;
}

/** Why a file could not be read, in words. */
export function describeReadError(path: string, error: string): string {
  if (/ENOENT/.test(error)) return l10n.t('{0} does not exist.', path);
  if (/EACCES|EPERM/.test(error)) return l10n.t("{0} cannot be read: permission denied (the API server's audit log is usually readable by root only).", path);
  if (/EISDIR/.test(error)) return l10n.t('{0} is a folder that cannot be read as a file.', path);
  return l10n.t('{0} could not be read: {1}', path, error);
}

/** A rotated backup (its name carries the rotation time, or it is gzipped): read once, never followed. */
export function isRotatedBackup(path: string): boolean {
  const name = basename(path);
  return name.endsWith('.gz') || backupTimeMs(name) !== undefined;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function pathCount(n: number): string {
  return n === 1 ? l10n.t('1 path') : l10n.t('{0} paths', count(n));
}

function fileCount(n: number): string {
  return n === 1 ? l10n.t('1 file') : l10n.t('{0} files', count(n));
}

function lineCount(n: number): string {
  return n === 1 ? l10n.t('1 line') : l10n.t('{0} lines', count(n));
}

function eventCount(n: number): string {
  return n === 1 ? l10n.t('1 event') : l10n.t('{0} events', count(n));
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

interface PathPlan {
  resolved: ResolvedAuditPath;
  isFolder: boolean;
  backups: string[];
  active: string[];
  /** Why the path could not be listed. */
  error?: string;
}

export class AuditEvidence implements AuditSource, Disposable {
  private readonly changed = new Emitter<void>();
  /** New audit evidence arrived (debounced), or the setting changed what is read. */
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly home: string;
  private readonly subscription: Disposable;
  private started = false;
  private disposed = false;
  private key: string | undefined;
  private generation = 0;
  private summaryOf: AuditSummary | undefined;
  private loaded = false;
  private followers: AuditFollower[] = [];
  private abort: AbortController | undefined;
  private loading: Promise<void> = Promise.resolve();
  private debounce: NodeJS.Timeout | undefined;
  private current: AuditStatus = { state: 'off', sentence: auditOffSentence() };
  private saidOff = false;
  /** The last read error of each followed file, and the sentences already logged (once per cause). */
  private followErrors = new Map<string, string>();
  private saidErrors = new Set<string>();
  /** Read on demand from a context's control-plane nodes; kept while the extension runs, whatever the setting. */
  private readonly nodeReads = new Map<string, AuditFindingsInput>();

  constructor(private readonly opts: AuditEvidenceOptions) {
    this.home = opts.home ?? homedir();
    this.subscription = opts.settings.onDidChange(() => {
      if (this.started) this.configure();
    });
  }

  /** Begins reading (when the extension first turns to the cluster); safe to call often. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.configure();
  }

  get status(): AuditStatus {
    if (!this.started && this.opts.settings.auditPaths.paths.length > 0) {
      return { state: 'reading', sentence: l10n.t('The audit logs of {0} are read once the extension first turns to the cluster.', AUDIT_PATHS_SETTING) };
    }
    return this.current;
  }

  /**
   * What the audit logs showed so far, with what was read from `context`'s nodes on demand; undefined while the
   * setting is off (or before its first read ends) and nothing was read from a node.
   */
  summary(context?: string): AuditFindingsInput | undefined {
    const files = this.loaded ? this.summaryOf?.result() : undefined;
    const nodes = context === undefined ? undefined : this.nodeReads.get(context);
    if (nodes === undefined) return files;
    return files === undefined ? nodes : mergeAuditInputs(files, nodes);
  }

  addNodeRead(context: string, found: AuditFindingsInput): void {
    const had = this.nodeReads.get(context);
    this.nodeReads.set(context, had === undefined ? found : mergeAuditInputs(had, found));
    this.changed.fire();
  }

  /** Resolves once the read begun by the last start or setting change has ended. */
  ready(): Promise<void> {
    return this.loading;
  }

  /** Looks at every followed file now; resolves once what was written before the call is read. */
  async poke(): Promise<void> {
    await this.loading;
    await Promise.all(this.followers.map((f) => f.poke()));
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    this.stop();
    this.changed.dispose();
  }

  /** Reads the setting; starts over only when the paths (or what may be read of them) changed. */
  private configure(): void {
    if (this.disposed) return;
    const resolved = resolveAuditPaths(this.opts.settings.auditPaths, this.home);
    const key = JSON.stringify(resolved);
    if (key === this.key) return;
    this.key = key;
    this.stop();
    const generation = ++this.generation;
    if (resolved.length === 0) {
      this.current = { state: 'off', sentence: auditOffSentence() };
      if (!this.saidOff) this.opts.log.info(this.current.sentence);
      this.saidOff = true;
      if (generation > 1) this.changed.fire();
      return;
    }
    this.saidOff = false;
    this.current = { state: 'reading', sentence: l10n.t('Reading the audit logs of {0}…', AUDIT_PATHS_SETTING) };
    const summary = new AuditSummary();
    this.summaryOf = summary;
    const abort = new AbortController();
    this.abort = abort;
    this.loading = this.load(resolved, summary, abort.signal, generation).catch((err: unknown) => {
      this.opts.log.warn(`Reading the audit logs failed: ${errorMessage(err)}`);
    });
  }

  private stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    for (const f of this.followers) void f.dispose();
    this.followers = [];
    this.summaryOf = undefined;
    this.loaded = false;
    this.followErrors = new Map();
    this.saidErrors = new Set();
  }

  private live(generation: number): boolean {
    return !this.disposed && generation === this.generation;
  }

  private async load(paths: ResolvedAuditPath[], summary: AuditSummary, signal: AbortSignal, generation: number): Promise<void> {
    const plans = await Promise.all(paths.map((p) => this.plan(p)));
    if (!this.live(generation)) return;
    const onEvent = (e: AuditEvent): void => {
      if (!this.live(generation)) return;
      summary.add(e);
      if (this.loaded) this.announce();
    };
    // The active files are opened first: a rotation while the backups are read is then read by the follower.
    const followed = new Map<string, AuditFollower>();
    for (const plan of plans) {
      for (const file of plan.active) {
        if (followed.has(file)) continue;
        const follower = followAuditFile(file, onEvent, {
          from: 'start',
          pollMs: this.opts.pollMs ?? 2000,
          onError: (e) => this.followError(file, e, generation),
          onRotate: (how) => this.opts.log.debug(`Audit log ${file} was ${how === 'replaced' ? 'rotated' : 'truncated'}; reading on in the new file.`),
        });
        followed.set(file, follower);
        this.followers.push(follower);
      }
    }
    const sources: AuditSourceReport[] = [];
    for (const plan of plans) {
      if (!this.live(generation)) return;
      sources.push(await this.readPlan(plan, followed, onEvent, signal));
    }
    if (!this.live(generation)) return;
    this.loaded = true;
    const ok = sources.filter((s) => s.ok).length;
    const failed = sources.filter((s) => !s.ok).map((s) => s.sentence.replace(/[.。]$/, ''));
    const sentence =
      ok === sources.length
        ? l10n.t('Audit evidence from {0} of {1}.', pathCount(ok), AUDIT_PATHS_SETTING)
        : l10n.t('Audit evidence from {0} of {1} of {2}; {3}.', count(ok), pathCount(sources.length), AUDIT_PATHS_SETTING, semicolonList(failed));
    this.current = { state: 'on', sentence, sources };
    for (const s of sources) {
      if (s.ok) this.opts.log.info(`Audit log ${s.sentence}`);
      else this.opts.log.warn(`Audit log: ${s.sentence}`);
    }
    this.changed.fire();
  }

  /** Which files of a path are read once and which followed; a path that cannot be listed keeps its error. */
  private async plan(resolved: ResolvedAuditPath): Promise<PathPlan> {
    if (resolved.refused !== undefined) return { resolved, isFolder: false, backups: [], active: [], error: resolved.refused };
    const { files, missing } = await expandAuditPaths([resolved.path]);
    const failed = missing[0];
    if (failed !== undefined && !failed.ok)
      return { resolved, isFolder: false, backups: [], active: [], error: describeReadError(resolved.path, failed.error) };
    const isFolder = !files.includes(resolved.path);
    const backups = files.filter(isRotatedBackup);
    const active = files.filter((f) => !isRotatedBackup(f));
    // A folder whose active file is not there yet: the apiserver's default name is waited for.
    if (isFolder && active.length === 0) active.push(join(resolved.path, 'audit.log'));
    return { resolved, isFolder, backups, active };
  }

  private async readPlan(
    plan: PathPlan,
    followed: ReadonlyMap<string, AuditFollower>,
    onEvent: (e: AuditEvent) => void,
    signal: AbortSignal,
  ): Promise<AuditSourceReport> {
    const { setting, path } = plan.resolved;
    if (plan.error !== undefined) return { setting, path, ok: false, sentence: plan.error };
    const report = await readAuditPaths(plan.backups, onEvent, { signal });
    const failures = report.files.filter((f) => !f.ok).map((f) => (f.ok ? '' : describeReadError(f.path, f.error)));
    const stats: AuditScanStats = { ...report.totals };
    let followedFiles = 0;
    for (const file of plan.active) {
      const follower = followed.get(file);
      if (!follower) continue;
      // The follower's first look reads the file from its start.
      await follower.poke();
      const failed = this.followErrors.get(file);
      if (failed !== undefined) {
        failures.push(failed);
        continue;
      }
      followedFiles++;
      stats.lines += follower.stats.lines;
      stats.events += follower.stats.events;
      stats.malformed += follower.stats.malformed;
      stats.bytes += follower.stats.bytes;
    }
    const read = report.files.filter((f) => f.ok).length + followedFiles;
    const counted = l10n.t(
      '{0}, {1} ({2}), {3} of stale, legacy or refused tokens',
      fileCount(read),
      lineCount(stats.lines),
      megabytes(stats.bytes),
      eventCount(stats.events),
    );
    const what = stats.malformed > 0 ? l10n.t('{0}, {1} not audit events', counted, lineCount(stats.malformed)) : counted;
    if (failures.length > 0)
      return { setting, path, ok: false, sentence: l10n.t('{0}: read {1}, but {2}', path, what, sentences(...failures)), files: read, followed: followedFiles };
    const sentence =
      plan.active.length > 0
        ? l10n.t('{0}: read {1}; following {2}.', path, what, plan.active.map((f) => basename(f)).join(', '))
        : l10n.t('{0}: read {1}.', path, what);
    return { setting, path, ok: true, sentence, files: read, followed: followedFiles };
  }

  private followError(file: string, error: Error, generation: number): void {
    if (!this.live(generation)) return;
    const sentence = describeReadError(file, error.message);
    this.followErrors.set(file, sentence);
    // Said once per cause: a poll that fails every two seconds is not news each time.
    if (this.saidErrors.has(sentence)) return;
    this.saidErrors.add(sentence);
    this.opts.log.warn(`Audit log: ${sentence}`);
  }

  /** New evidence while following: one change event per burst. */
  private announce(): void {
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (!this.disposed) this.changed.fire();
    }, this.opts.debounceMs ?? 2000);
  }
}
