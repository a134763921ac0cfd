// Typed access to `clusterCredentials.*` settings, with one event when any of them changes.
import * as vscode from 'vscode';
import type { ExpiryOptions } from '../token/types';

const SECTION = 'clusterCredentials';

export class Settings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) this.changed.fire();
    });
  }

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get expiryOptions(): ExpiryOptions {
    const hours = this.config.get<number>('expiry.warningWindowHours', 24);
    const percent = this.config.get<number>('expiry.warningWindowPercent', 20);
    return {
      windowSeconds: Math.max(0, hours) * 3600,
      windowFraction: Math.min(100, Math.max(0, percent)) / 100,
    };
  }

  get problemsEnabled(): boolean {
    return this.config.get<boolean>('problems.enabled', true);
  }

  get hoverEnabled(): boolean {
    return this.config.get<boolean>('hover.enabled', true);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
