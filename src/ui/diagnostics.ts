// Problems for credentials in open YAML, JSON and kubeconfig documents: refreshed as documents change
// (debounced) and as time passes, so a token that expires while its file is open turns into an error.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { findIgnoredKubeconfigKeys } from '../diagnosis/kubeconfigKeys';
import { AssessmentCache, timedExpiry, type Assessment } from '../diagnosis/credentialAssessment';
import type { Severity } from '../diagnosis/severity';
import { errorMessage } from '../shared/values';
import { nextStateChange } from '../token/expiry';
import type { LineIndex } from '../token/lineIndex';
import type { LocatedCredential } from '../token/types';
import { isCredentialDocument, type DocumentIndex } from './documentIndex';
import { credentialNoun } from './markdown/credentialSummary';
import type { Settings } from './settings';

const DEBOUNCE_MS = 300;
/** setTimeout cannot wait longer than 2^31-1 ms; re-check at least daily anyway. */
const MAX_WAIT_MS = 24 * 3600 * 1000;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class CredentialDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('clusterCredentials');
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private clockTimer: ReturnType<typeof setTimeout> | undefined;
  /** Per document, the earliest moment one of its credentials changes state. */
  private readonly nextChange = new Map<string, number>();
  /** Per document: an edit re-assesses only the credentials it touched. */
  private readonly assessments = new Map<string, AssessmentCache>();

  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      settings.onDidChange(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.update(doc);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isCredentialDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.update(doc);
      }, delay),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.nextChange.delete(key);
    this.assessments.delete(key);
    this.collection.delete(uri);
    this.armClock();
  }

  private update(doc: vscode.TextDocument): void {
    if (doc.isClosed || !isCredentialDocument(doc)) return;
    const key = doc.uri.toString();
    if (!this.settings.problemsEnabled) {
      this.collection.delete(doc.uri);
      this.nextChange.delete(key);
      return;
    }
    const located = this.index.locatedSoon(doc);
    if (Array.isArray(located)) {
      this.publish(doc, located);
      return;
    }
    // A large document whose structure an edit broke is parsed on the worker thread meanwhile.
    const version = doc.version;
    void located.then(
      (found) => {
        // Assessed in a turn of its own: decoding the worker's answer was this one's work.
        setImmediate(() => {
          if (found !== undefined && !doc.isClosed && doc.version === version && this.settings.problemsEnabled) this.publish(doc, found);
        });
      },
      (err: unknown) => this.log.warn(`Could not look for credentials in ${doc.uri.fsPath}: ${errorMessage(err)}`),
    );
  }

  private publish(doc: vscode.TextDocument, located: readonly LocatedCredential[]): void {
    const key = doc.uri.toString();
    const now = Math.floor(Date.now() / 1000);
    const options = this.settings.expiryOptions;
    const diagnostics: vscode.Diagnostic[] = [];
    let earliest = Infinity;
    let cache = this.assessments.get(key);
    if (cache === undefined) this.assessments.set(key, (cache = new AssessmentCache()));
    cache.begin(options);
    // One line table per version: positions for thousands of credentials without a scan each.
    const lines = located.length > 0 ? this.index.lines(doc) : undefined;
    for (const l of located) {
      const a = cache.assess(l, now, options);
      const change = changeOf(a);
      if (change !== undefined && change > now) earliest = Math.min(earliest, change);
      const d = lines === undefined ? undefined : toDiagnostic(lines, a);
      if (d) diagnostics.push(d);
    }
    // Keys kubectl ignores (`token-file`): the user would go out anonymous while the file looks right.
    for (const p of findIgnoredKubeconfigKeys(doc.getText())) {
      const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)), p.message, vscode.DiagnosticSeverity.Warning);
      d.source = 'Cluster Credentials';
      d.code = `ignored-key-${p.key}`;
      diagnostics.push(d);
    }
    this.collection.set(doc.uri, diagnostics);
    if (Number.isFinite(earliest)) this.nextChange.set(key, earliest);
    else this.nextChange.delete(key);
    this.armClock();
  }

  /** One timer for all documents, set for the next moment any credential changes state. */
  private armClock(): void {
    clearTimeout(this.clockTimer);
    this.clockTimer = undefined;
    if (this.nextChange.size === 0) return;
    const next = Math.min(...this.nextChange.values());
    const wait = Math.min(MAX_WAIT_MS, Math.max(1000, next * 1000 - Date.now() + 500));
    this.clockTimer = setTimeout(() => {
      this.log.debug('A credential changed state with time; re-checking open documents.');
      this.refreshAll();
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.clockTimer);
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.collection.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function changeOf(a: Assessment): number | undefined {
  const expiry = timedExpiry(a);
  return expiry !== undefined ? nextStateChange(expiry) : undefined;
}

function rangeOf(lines: LineIndex, located: LocatedCredential): vscode.Range {
  const start = lines.positionAt(located.start);
  const end = lines.positionAt(located.end);
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

function toDiagnostic(lines: LineIndex, a: Assessment): vscode.Diagnostic | undefined {
  if (a.kind === 'privateKey' || a.kind === 'opaque') return undefined;
  if (a.kind === 'invalid') {
    // A scalar shaped like a token that does not decode is worth a hint, not an error.
    const d = new vscode.Diagnostic(
      rangeOf(lines, a.located),
      l10n.t('Not a valid {0}: {1}', credentialNoun(a.located.kind), a.reason),
      vscode.DiagnosticSeverity.Hint,
    );
    d.source = 'Cluster Credentials';
    return d;
  }
  if (!a.severity || !a.warning) return undefined;
  const d = new vscode.Diagnostic(rangeOf(lines, a.located), a.warning, SEVERITY[a.severity]);
  d.source = 'Cluster Credentials';
  d.code = `${a.kind}-${a.expiry.state}`;
  return d;
}
