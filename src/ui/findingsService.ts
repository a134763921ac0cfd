// Keeps the findings of the active session current: gathers evidence (pods, PVCs, legacy tokens,
// history, the context's credential and open kubeconfigs), runs the diagnosis, and pushes the
// findings to services.findings; records what it observes in services.history. Also the
// "Scan for 401 Errors" command, under a cancellable progress notification.
import * as vscode from 'vscode';
import { COMMAND } from '../shared/commandIds';
import { CoreV1Api } from '@kubernetes/client-node';
import { configuredNamespaces } from '../cluster/inventory/namespaceReach';
import { collectEvidence, type CollectOptions } from '../cluster/scan/collectEvidence';
import type { LiveTokenTarget } from '../cluster/inventory/types';
import { readLiveToken } from '../cluster/live/readLiveToken';
import type { ClusterSession } from '../cluster/auth/session';
import { diagnose } from '../diagnosis/diagnose';
import { kubeconfigDocumentEvidence } from '../diagnosis/documentCredentials';
import type { EvidenceScope, KubeconfigCredentialEvidence } from '../diagnosis/evidence';
import type { Finding } from '../diagnosis/types';
import type { HistoryRecord } from '../history/types';
import { compilePatterns } from '../logs';
import type { DecodedToken } from '../token/types';
import { sessionFor } from './commands/common';
import { refOf, type NodeRef } from '../shared/nodeRef';
import type { Services } from './services';

const PERIOD_MS = 5 * 60 * 1000;
const SOURCE = 'diagnosis';
const DEBOUNCE_MS = 2000;

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

/** The scope a tree node (or webview button) stands for; undefined for refs with none. */
export function scopeOfRef(ref: NodeRef): EvidenceScope | undefined {
  switch (ref.kind) {
    case 'context':
      return { kind: 'context' };
    case 'namespace':
      return { kind: 'namespace', namespace: ref.namespace };
    case 'pod':
      return { kind: 'pod', namespace: ref.namespace, name: ref.name };
    case 'tokenFile':
      return { kind: 'pod', namespace: ref.namespace, name: ref.pod };
    case 'serviceAccount':
      return { kind: 'serviceAccount', namespace: ref.namespace, name: ref.name };
    case 'secret':
      return ref.serviceAccount !== undefined ? { kind: 'serviceAccount', namespace: ref.namespace, name: ref.serviceAccount } : { kind: 'namespace', namespace: ref.namespace };
    case 'finding':
      return undefined;
  }
}

function describeScope(scope: EvidenceScope, context: string): string {
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

export class FindingsService implements vscode.Disposable {
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Scans keep their findings under their own source until the session changes. */
  private scanSources = new Set<string>();
  private lastProblems = new Set<string>();

  /** Talks to no cluster until start(): activation alone (opening a YAML file) must not run exec plugins. */
  constructor(private readonly services: Services) {
    this.subscriptions.push(
      services.sessions.onDidChange(() => {
        for (const s of this.scanSources) services.findings.set(s, []);
        this.scanSources.clear();
        if (this.started) void this.refresh();
      }),
      services.settings.onDidChange(() => this.schedule()),
      vscode.workspace.onDidOpenTextDocument(() => this.schedule()),
      vscode.workspace.onDidCloseTextDocument(() => this.schedule()),
    );
  }

  /**
   * Begins diagnosing (now and every few minutes) once the user turns to the cluster: the explorer
   * shown, a Token Health panel opened, a cluster command run. Safe to call often.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => void this.refresh(), PERIOD_MS);
    void this.refresh();
  }

  /** A refresh soon, once for a burst of changes (documents opening one after another). */
  private schedule(): void {
    if (!this.started) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  /** Diagnoses the whole active context from history and cluster state (no log scan); never overlaps itself. */
  refresh(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Scans a scope of `session` (the one the command's node belongs to, checked active) for 401s in logs
   * and events, then diagnoses it; the findings stay until the session changes.
   */
  async scan(
    session: ClusterSession,
    scope: EvidenceScope,
    token?: vscode.CancellationToken,
    progress?: vscode.Progress<{ message?: string; increment?: number }>,
  ): Promise<Finding[] | undefined> {
    this.start();
    const settings = this.services.settings;
    const patterns = compilePatterns(settings.logPatterns);
    if (!patterns.ok) {
      void vscode.window.showErrorMessage(`clusterCredentials.logs.patterns is invalid: ${patterns.errors.join(' ')}`);
      return undefined;
    }
    const controller = new AbortController();
    token?.onCancellationRequested(() => controller.abort());
    let lastDone = 0;
    const opts: CollectOptions = {
      ...this.baseOptions(session),
      scan: {
        patterns,
        tailLines: settings.logTailLines,
        sinceSeconds: settings.logSinceSeconds,
        onPod: (done, total, pod) => {
          progress?.report({ message: `${pod} (${done}/${total})`, increment: total > 0 ? ((done - lastDone) * 100) / total : 0 });
          lastDone = done;
        },
      },
      signal: controller.signal,
    };
    const where = describeScope(scope, session.context);
    const result = await collectEvidence(this.evidenceSession(session), scope, opts);
    if (controller.signal.aborted) {
      this.services.log.info(`Scan for 401 errors in ${where} cancelled.`);
      return undefined;
    }
    await this.record([...result.newObservations, ...result.newUnauthorized]);
    const findings = diagnose(result.evidence, Date.now(), { expiry: settings.expiryOptions });
    const source = `scan:${session.context}:${scopeKey(scope)}`;
    this.scanSources.add(source);
    this.services.findings.set(source, findings);
    for (const p of result.evidence.problems) this.services.log.warn(`Scan of ${where}: ${p}`);
    this.services.log.info(`Scan of ${where}: ${result.newUnauthorized.length} new 401 line(s), ${findings.length} finding(s).`);
    return findings;
  }

  private baseOptions(session: ClusterSession): CollectOptions {
    const opts: CollectOptions = { now: Date.now, history: this.services.history, documents: this.openKubeconfigs() };
    if (this.services.settings.liveTokens !== 'off') {
      opts.readToken = async (t: LiveTokenTarget): Promise<DecodedToken | undefined> => {
        const reading = await readLiveToken(session.api, t);
        return reading.ok ? reading.token : undefined;
      };
    }
    return opts;
  }

  private evidenceSession(session: ClusterSession): Parameters<typeof collectEvidence>[0] {
    return {
      context: session.context,
      api: session.api,
      describeCredential: () => session.provider.describe(),
      namespaces: this.services.settings.namespaces,
      ...(session.summary.namespace !== undefined ? { contextNamespace: session.summary.namespace } : {}),
    };
  }

  /** Credentials of kubeconfigs open in the editor (a node's CNI kubeconfig, say). */
  private openKubeconfigs(): KubeconfigCredentialEvidence[] {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const out: KubeconfigCredentialEvidence[] = [];
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === 'git' || doc.uri.scheme === 'output' || doc.getText().length > 1024 * 1024) continue;
      const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
      out.push(...kubeconfigDocumentEvidence(doc.getText(), file, nowSeconds, this.services.settings.expiryOptions));
    }
    return out;
  }

  private async run(): Promise<void> {
    const session = this.services.sessions.current();
    if (!session) {
      this.services.findings.set(SOURCE, []);
      return;
    }
    try {
      // The periodic run reads no logs and execs nothing: live reads come from the explorer, 401s from scans.
      const opts = { ...this.baseOptions(session) };
      delete opts.readToken;
      const { evidence } = await collectEvidence(this.evidenceSession(session), { kind: 'context' }, opts);
      this.services.findings.set(SOURCE, diagnose(evidence, Date.now(), { expiry: this.services.settings.expiryOptions }));
      // Said once at info (a fallback to the context's namespace, a 403), then only at debug on each period.
      const seen = this.lastProblems;
      this.lastProblems = new Set(evidence.problems);
      for (const p of evidence.problems) {
        if (seen.has(p)) this.services.log.debug(`Diagnosis: ${p}`);
        else this.services.log.info(`Diagnosis: ${p}`);
      }
    } catch (err) {
      this.services.log.warn(`Diagnosis failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async record(records: HistoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.services.history.append(records);
    } catch (err) {
      this.services.log.warn(`Could not record the scan in the credential history: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Asks which namespace to scan when the command comes from the palette. */
async function pickScope(session: ClusterSession, configured: readonly string[]): Promise<EvidenceScope | undefined> {
  // "All" means the configured namespaces when set; the scan itself falls back to the context's namespace on 403.
  const all = configured.length > 0 ? `${session.context}: ${configured.join(', ')}` : session.context;
  const items: (vscode.QuickPickItem & { scope: EvidenceScope })[] = [{ label: '$(globe) All namespaces', description: all, scope: { kind: 'context' } }];
  let names: string[] = [...configured];
  if (names.length === 0) {
    try {
      const list = await session.api.makeApiClient(CoreV1Api).listNamespace();
      names = list.items.map((ns) => ns.metadata?.name ?? '').filter((n) => n !== '');
    } catch {
      // Without permission to list namespaces, offer the context's own.
      names = session.summary.namespace !== undefined ? [session.summary.namespace] : [];
    }
  }
  for (const name of names) items.push({ label: `$(symbol-namespace) ${name}`, scope: { kind: 'namespace', namespace: name } });
  const picked = await vscode.window.showQuickPick(items, { title: 'Scan for 401 Errors', placeHolder: 'Where to look for 401 errors in pod logs and events' });
  return picked?.scope;
}

/** Scan for 401 Errors (registered in src/ui/commands/table.ts): the node's scope, or one picked; starts the service. */
export async function scanUnauthorizedCommand(services: Services, service: FindingsService, arg?: unknown): Promise<void> {
  service.start();
  const ref = refOf(arg);
  // A node of another context is refused with a sentence, not scanned in the active one.
  const session = sessionFor(services, ref);
  if (!session) return;
  const scope = ref ? scopeOfRef(ref) : await pickScope(session, configuredNamespaces(services.settings.namespaces) ?? []);
  if (!scope) return;
  const where = describeScope(scope, session.context);
  const findings = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Scanning ${where} for 401 errors`, cancellable: true },
    (progress, token) => service.scan(session, scope, token, progress),
  );
  if (!findings) return;
  const worst = findings[0];
  const message = worst ? `${findings.length} finding(s) in ${where}; the worst: ${worst.title}.` : `No 401 problem found in ${where}.`;
  const open = worst ? 'Show Token Health' : undefined;
  const choice = await vscode.window.showInformationMessage(message, ...(open ? [open] : []));
  if (choice === open && worst) await vscode.commands.executeCommand(COMMAND.showTokenHealth, { kind: 'finding', context: session.context, findingId: worst.id });
}
