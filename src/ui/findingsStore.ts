// Findings from every source (the credential rules, a log scan of one namespace...), merged and
// ordered worst first for the explorer's Findings node, the status bar and the Token Health view.
import * as vscode from 'vscode';
import { compareFindings, type Finding } from '../diagnosis/types';
import type { FindingsSink } from './services';

export class FindingsStore implements FindingsSink, vscode.Disposable {
  private readonly bySource = new Map<string, readonly Finding[]>();
  private sorted: readonly Finding[] | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  set(source: string, findings: readonly Finding[]): void {
    const before = this.bySource.get(source) ?? [];
    if (findings.length === 0 && before.length === 0) return;
    if (findings.length === 0) this.bySource.delete(source);
    else this.bySource.set(source, [...findings]);
    this.sorted = undefined;
    this.emitter.fire();
  }

  /** Every finding once (the same id from two sources shows once), worst first. */
  all(): readonly Finding[] {
    if (!this.sorted) {
      const byId = new Map<string, Finding>();
      for (const list of this.bySource.values()) for (const f of list) if (!byId.has(f.id)) byId.set(f.id, f);
      this.sorted = [...byId.values()].sort(compareFindings);
    }
    return this.sorted;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
