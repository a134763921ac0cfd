// The diagnosis of the active session, kept current: every few minutes, soon after a burst of changes
// and whenever the session source speaks, it builds the evidence of the whole context from the session's
// state (the inventory's snapshot: no list of its own), history, the context's credential and the
// kubeconfigs open in the editor, then replaces the findings. Also the 401 scan of one scope. Plain
// Node: src/ui/findingsService.ts brings the documents, progress and cancellation of VS Code.
import type { ClusterSession } from '../cluster/auth/session';
import type { LiveTokenMode } from '../cluster/live/liveTokenCache';
import type { UnreadPod } from '../cluster/scan/unauthorizedScan';
import { collectEvidence, type CollectOptions, type EvidenceSession, type HistorySource } from '../cluster/scan/collectEvidence';
import { auditInputOf, auditRecordsOf, auditRecordsToWrite, podAddressesOf, podAddressRecordsToWrite } from '../diagnosis/auditHistory';
import { diagnose } from '../diagnosis/diagnose';
import type { Evidence, EvidenceScope, KubeconfigCredentialEvidence } from '../diagnosis/evidence';
import type { AuditFindingsInput } from '../controlPlane/auditSummary';
import type { Finding } from '../diagnosis/types';
import type { HistoryRecord } from '../history/types';
import type { CompiledPatterns } from '../logs';
import { errorMessage } from '../shared/values';
import type { DecodedToken, ExpiryOptions } from '../token/types';
import type { ClusterState } from './clusterState';
import type { Disposable } from './events';
import { PinnedNamespaces } from './pinnedNamespaces';
import type { HistorySink, SessionState } from './sessionState';

const PERIOD_MS = 5 * 60 * 1000;

/** What a scan found, and what it covered: pods it read and those it could not. */
export interface ScanOutcome {
  findings: Finding[];
  pods: number;
  unread: UnreadPod[];
}
const DEBOUNCE_MS = 2000;
/** The findings source of the periodic diagnosis; scans keep theirs apart. */
export const DIAGNOSIS_SOURCE = 'diagnosis';

export interface DiagnosisSettings {
  readonly expiryOptions: ExpiryOptions;
  readonly liveTokens: LiveTokenMode;
}

export interface DiagnosisLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** Where findings go, by source; the extension's FindingsStore fits. */
export interface FindingsTarget {
  set(source: string, findings: readonly Finding[]): void;
}

export interface DiagnosisOptions {
  state: ClusterState;
  history: HistorySource & HistorySink;
  findings: FindingsTarget;
  settings: DiagnosisSettings;
  log: DiagnosisLog;
  /** Credentials of the kubeconfigs open in the editor, read at each run. */
  documents?: () => KubeconfigCredentialEvidence[];
  nowMs?: () => number;
  periodMs?: number;
  debounceMs?: number;
}

export interface ScanRequest {
  patterns: CompiledPatterns;
  tailLines?: number;
  sinceSeconds?: number;
  /** After each pod, for progress. */
  onPod?: (done: number, total: number, pod: string) => void;
  signal?: AbortSignal;
}

function scopeKey(scope: EvidenceScope): string {
  switch (scope.kind) {
    case 'context':
      return 'context';
    case 'namespace':
      return `ns:${scope.namespace}`;
    case 'pod':
      return `pod:${scope.namespace}/${scope.name}`;
    case 'serviceAccount':
      return `sa:${scope.namespace}/${scope.name}`;
  }
}

export function describeScope(scope: EvidenceScope, context: string): string {
  switch (scope.kind) {
    case 'context':
      return `context ${context}`;
    case 'namespace':
      return `namespace ${scope.namespace}`;
    case 'pod':
      return `pod ${scope.namespace}/${scope.name}`;
    case 'serviceAccount':
      return `service account ${scope.namespace}/${scope.name}`;
  }
}

export class Diagnosis implements Disposable {
  private started = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** A refresh was asked for while one ran: run once more after it. */
  private again = false;
  /** Scans keep their findings under their own source until the session source speaks again. */
  private readonly scanSources = new Set<string>();
  private lastProblems = new Set<string>();
  /** What each source was last given, so findings of a namespace the inventory no longer lists can be taken back. */
  private readonly given = new Map<string, readonly Finding[]>();
  /** Namespaces pinned by settings are not listed: whether one is gone is asked when its lists empty. */
  private readonly pinned = new PinnedNamespaces({ onGone: () => this.dropGoneNamespaces() });
  private readonly subscription: Disposable;
  private readonly auditSubscription: Disposable | undefined;
  private readonly now: () => number;
  /** The session the scan findings belong to. */
  private scannedSession: ClusterSession | undefined;

  /** Talks to no cluster until start(): activation alone (opening a YAML file) must not run exec plugins. */
  constructor(private readonly opts: DiagnosisOptions) {
    this.now = opts.nowMs ?? Date.now;
    this.scannedSession = opts.state.current?.session;
    this.subscription = opts.state.onDidChange((e) => {
      if (!e.session) {
        this.pinned.observe(opts.state.current);
        this.dropGoneNamespaces();
        return;
      }
      // The session source also speaks when the session stays (a kubeconfig edit elsewhere, a rotated token file): a
      // scan's findings are the session's, so they go only with it.
      const session = opts.state.current?.session;
      if (session !== this.scannedSession) {
        for (const s of this.scanSources) this.put(s, []);
        this.scanSources.clear();
        this.scannedSession = session;
      }
      if (this.started) void this.refresh();
    });
    // New audit evidence (debounced by its reader) is diagnosed soon, with the rest.
    this.auditSubscription = opts.state.audit?.onDidChange(() => this.schedule());
  }

  /** Begins diagnosing, now and every few minutes; starts the session's lists. Safe to call often. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.opts.state.ensureStarted();
    this.timer = setInterval(() => void this.refresh(), this.opts.periodMs ?? PERIOD_MS);
    void this.refresh();
  }

  /** A refresh soon, once for a burst of changes (documents opening one after another). */
  schedule(): void {
    if (!this.started || this.disposed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.refresh();
    }, this.opts.debounceMs ?? DEBOUNCE_MS);
  }

  /** Diagnoses the whole active context from the session's state and history (no log scan); never overlaps itself. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const loop = async (): Promise<void> => {
      do {
        this.again = false;
        await this.run();
      } while (this.again && !this.disposed);
    };
    this.running = loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Scans a scope of `session` (the active one) for 401s in logs and events over the inventory's pods, then
   * diagnoses it; the findings stay until the session source speaks again. Undefined when cancelled.
   */
  async scan(session: ClusterSession, scope: EvidenceScope, request: ScanRequest): Promise<ScanOutcome | undefined> {
    this.start();
    const where = describeScope(scope, session.context);
    const state = this.opts.state.ensureStarted();
    if (state?.session !== session) {
      this.opts.log.warn(`Scan of ${where}: the active context changed as the scan began; run it again.`);
      return undefined;
    }
    // Listing pods per namespace, the scanned namespace is listed for the scan (and a few minutes after).
    const release = scope.kind === 'context' ? undefined : state.inventory.borrow(scope.namespace);
    try {
      return await this.scanState(state, session, scope, request, where);
    } finally {
      release?.();
    }
  }

  /** The scan, once the scope's lists have answered. */
  private async scanState(
    state: SessionState,
    session: ClusterSession,
    scope: EvidenceScope,
    request: ScanRequest,
    where: string,
  ): Promise<ScanOutcome | undefined> {
    await state.synced();
    const { settings, log } = this.opts;
    if (request.signal?.aborted) {
      log.info(`Scan for 401 errors in ${where} cancelled.`);
      return undefined;
    }
    const opts: CollectOptions = {
      ...this.baseOptions(state),
      scan: {
        patterns: request.patterns,
        ...(request.tailLines !== undefined ? { tailLines: request.tailLines } : {}),
        ...(request.sinceSeconds !== undefined ? { sinceSeconds: request.sinceSeconds } : {}),
        ...(request.onPod ? { onPod: request.onPod } : {}),
      },
      ...(request.signal ? { signal: request.signal } : {}),
    };
    // Through the session's live tokens: one concurrency bound, the explorer shows them, and each is recorded once.
    if (settings.liveTokens !== 'off') {
      opts.readToken = async (t): Promise<DecodedToken | undefined> => {
        const reading = await state.live.read(t);
        return reading.ok ? reading.token : undefined;
      };
    }
    const result = await collectEvidence(this.evidenceSession(state), scope, opts);
    if (request.signal?.aborted) {
      log.info(`Scan for 401 errors in ${where} cancelled.`);
      return undefined;
    }
    await this.record(result.newUnauthorized);
    const findings = diagnose(result.evidence, this.now(), { expiry: settings.expiryOptions });
    const source = `scan:${session.context}:${scopeKey(scope)}`;
    this.scanSources.add(source);
    this.put(source, findings);
    for (const p of result.evidence.problems) log.warn(`Scan of ${where}: ${p}`);
    log.info(`Scan of ${where}: ${result.newUnauthorized.length} new 401 line(s), ${findings.length} finding(s).`);
    return { findings, pods: result.scanned?.pods ?? 0, unread: result.scanned?.unread ?? [] };
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.subscription.dispose();
    this.auditSubscription?.dispose();
  }

  private baseOptions(state: SessionState): CollectOptions {
    return { nowMs: this.now, history: this.opts.history, documents: this.opts.documents?.() ?? [], workloads: state.workloads, claims: state.claims };
  }

  private evidenceSession(state: SessionState): EvidenceSession {
    const session = state.session;
    return { context: session.context, api: session.api, describeCredential: () => session.provider.describe(), inventory: state.inventory };
  }

  private async run(): Promise<void> {
    const { log, settings } = this.opts;
    const state = this.opts.state.ensureStarted();
    if (!state) {
      this.put(DIAGNOSIS_SOURCE, []);
      return;
    }
    try {
      await state.synced();
      // Replaced while the lists answered: the change that replaced it asked for another run.
      if (this.opts.state.current !== state) return;
      // The periodic run reads no logs and execs nothing: live reads come from the explorer, 401s from scans.
      const { evidence } = await collectEvidence(this.evidenceSession(state), { kind: 'context' }, this.baseOptions(state));
      if (this.opts.state.current !== state) return;
      // The audit logs are read context-wide, so only this run (never a scan of one scope) adds them. Until they are
      // read (after a reload, or with the setting off since), what history kept of them stands in.
      const context = state.session.context;
      const kept = this.opts.history.query({ context, kind: 'audit' });
      const addresses = this.opts.history.query({ context, kind: 'podAddress' });
      evidence.podAddresses = podAddressesOf(addresses, context);
      const live = this.opts.state.audit?.summary(context);
      const audit = live ?? auditInputOf(kept, context);
      if (audit !== undefined) evidence.audit = audit;
      // Namespaces deleted while the evidence was gathered are not brought back.
      const diagnosed = diagnose(evidence, this.now(), { expiry: settings.expiryOptions });
      this.put(DIAGNOSIS_SOURCE, withoutGoneNamespaces(diagnosed, listedNamespaces(state), this.pinned.goneIn(state)));
      // Said once at info (a fallback to the context's namespace, a 403), then only at debug on each period.
      const seen = this.lastProblems;
      this.lastProblems = new Set(evidence.problems);
      for (const p of evidence.problems) {
        if (seen.has(p)) log.debug(`Diagnosis: ${p}`);
        else log.info(`Diagnosis: ${p}`);
      }
      await this.recordAudit(evidence, live, [...kept, ...addresses]);
    } catch (err) {
      log.warn(`Diagnosis failed: ${errorMessage(err)}`);
    }
  }

  /**
   * What the audit log shows goes into history (only uses that are new or changed since history last had them), and,
   * while audit evidence is in use, the pods' addresses: a 401 from a pod deleted later still names it.
   */
  private async recordAudit(evidence: Evidence, live: AuditFindingsInput | undefined, known: readonly HistoryRecord[]): Promise<void> {
    const source = this.opts.state.audit;
    if (source === undefined || (live === undefined && source.status.state === 'off')) return;
    const records: HistoryRecord[] = podAddressRecordsToWrite(evidence.context, evidence.pods, known, this.now());
    if (live !== undefined) records.push(...auditRecordsToWrite(known, auditRecordsOf(evidence.context, live, evidence)));
    if (records.length === 0) return;
    try {
      await this.opts.history.append(records);
    } catch (err) {
      this.opts.log.warn(`Could not record the audit evidence in the credential history: ${errorMessage(err)}`);
    }
  }

  private put(source: string, list: readonly Finding[]): void {
    if (list.length === 0) this.given.delete(source);
    else this.given.set(source, list);
    this.opts.findings.set(source, list);
    this.holdFindingNamespaces();
  }

  /**
   * Listing pods per namespace, the namespaces with findings stay listed; one that was not yet is diagnosed again
   * once its lists have answered.
   */
  private holdFindingNamespaces(): void {
    const state = this.opts.state.current;
    if (!state?.isStarted) return;
    const namespaces = new Set([...this.given.values()].flatMap((list) => list.flatMap((f) => f.subject.namespace ?? [])));
    if (!state.inventory.keepForFindings(namespaces)) return;
    void state.synced().then(() => {
      if (this.opts.state.current === state) this.schedule();
    });
  }

  /** The inventory says a namespace is gone: its findings go at once, not at the next periodic run. */
  private dropGoneNamespaces(): void {
    const state = this.opts.state.current;
    const listed = listedNamespaces(state);
    const pinnedGone = this.pinned.goneIn(state);
    if (listed === undefined && pinnedGone.size === 0) return;
    for (const [source, list] of [...this.given]) {
      const kept = withoutGoneNamespaces(list, listed, pinnedGone);
      if (kept.length === list.length) continue;
      const gone = [...new Set(list.filter((f) => !kept.includes(f)).map((f) => f.subject.namespace))].join(', ');
      this.opts.log.info(`Diagnosis: namespace ${gone} is gone from the cluster; its ${list.length - kept.length} finding(s) were dropped.`);
      this.put(source, kept);
    }
  }

  private async record(records: HistoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.opts.history.append(records);
    } catch (err) {
      this.opts.log.warn(`Could not record the scan in the credential history: ${errorMessage(err)}`);
    }
  }
}

/**
 * The namespaces the inventory lists, when its list is the cluster's answer (not namespaces from settings, not a
 * list that is loading or failing): only then does a namespace missing from it mean the namespace is gone.
 */
export function listedNamespaces(state: SessionState | undefined): ReadonlySet<string> | undefined {
  const snapshot = state?.snapshot();
  if (snapshot === undefined || snapshot.namespacesFixed || snapshot.status.namespaces.get('*')?.state !== 'ready') return undefined;
  return new Set(snapshot.namespaces.map((n) => n.name));
}

/**
 * The findings that are not about a namespace missing from `listed` or known `gone` (pinned namespaces the cluster
 * answered 404 for); all of them when nothing is known.
 */
export function withoutGoneNamespaces(findings: readonly Finding[], listed: ReadonlySet<string> | undefined, gone: ReadonlySet<string> = new Set()): Finding[] {
  return findings.filter((f) => {
    const ns = f.subject.namespace;
    return ns === undefined || (!gone.has(ns) && (listed === undefined || listed.has(ns)));
  });
}
