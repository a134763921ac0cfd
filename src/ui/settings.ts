// Typed access to `clusterCredentials.*` settings, with one event when any of them changes.
import * as vscode from 'vscode';
import { DEFAULT_PATTERNS, type LogPattern } from '../logs';
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

  /** Parallel requests of the concurrency probe, 1 to 1000. */
  get probeRequests(): number {
    const n = Math.floor(this.config.get<number>('probe.requests', 20));
    return Number.isFinite(n) ? Math.min(1000, Math.max(1, n)) : 20;
  }

  /**
   * `clusterCredentials.kubeconfig`: overrides KUBECONFIG and ~/.kube/config when set. In an untrusted
   * workspace only the user's own value counts: a workspace must not pick the server our credentials go to.
   */
  get kubeconfigPath(): string | undefined {
    const value: unknown = vscode.workspace.isTrusted ? this.config.get<string>('kubeconfig', '') : this.config.inspect<string>('kubeconfig')?.globalValue;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  }

  /** Kubernetes Tools' kubeconfig setting, used when ours is unset; it keeps it under a dotted key. User value only when untrusted. */
  get vsKubernetesKubeconfigPath(): string | undefined {
    let value: unknown;
    if (vscode.workspace.isTrusted) {
      const section = vscode.workspace.getConfiguration('vs-kubernetes');
      value = section.get('vs-kubernetes.kubeconfig') ?? (section as unknown as Record<string, unknown>)['vs-kubernetes.kubeconfig'];
    } else {
      const global: unknown = vscode.workspace.getConfiguration().inspect<unknown>('vs-kubernetes')?.globalValue;
      value = typeof global === 'object' && global !== null ? (global as Record<string, unknown>)['vs-kubernetes.kubeconfig'] : undefined;
    }
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  }

  /** The first workspace folder, against which relative kubeconfig paths and `${workspaceFolder}` resolve. */
  get workspaceFolder(): string | undefined {
    const first = vscode.workspace.workspaceFolders?.[0];
    return first?.uri.scheme === 'file' ? first.uri.fsPath : undefined;
  }

  /** `clusterCredentials.namespaces`: empty means every namespace. */
  get namespaces(): string[] {
    const value = this.config.get<unknown>('namespaces', []);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  }

  /** `clusterCredentials.liveTokens.mode`: a child key, so it can sit beside `liveTokens.intervalSeconds` and `.concurrency`. */
  get liveTokens(): 'off' | 'onDemand' | 'auto' {
    const value = this.config.get<unknown>('liveTokens.mode', 'onDemand');
    return value === 'off' || value === 'auto' ? value : 'onDemand';
  }

  get liveTokensIntervalSeconds(): number {
    const value = this.config.get<number>('liveTokens.intervalSeconds', 300);
    return Number.isFinite(value) ? Math.max(30, value) : 300;
  }

  get liveTokensConcurrency(): number {
    const value = this.config.get<number>('liveTokens.concurrency', 4);
    return Number.isFinite(value) ? Math.min(32, Math.max(1, Math.floor(value))) : 4;
  }

  /** `clusterCredentials.history.maxDays`: how long observations and 401 events are kept. */
  get historyMaxDays(): number {
    const value = this.config.get<number>('history.maxDays', 30);
    return Number.isFinite(value) && value > 0 ? Math.min(3650, value) : 30;
  }

  /** `clusterCredentials.logs.patterns`: the 401 patterns; an empty or unset list means the defaults. */
  get logPatterns(): LogPattern[] {
    // Restricted setting: an untrusted workspace's patterns (a costly regex, say) are not used.
    const value: unknown = vscode.workspace.isTrusted ? this.config.get<unknown>('logs.patterns', []) : this.config.inspect<unknown>('logs.patterns')?.globalValue;
    if (!Array.isArray(value) || value.length === 0) return DEFAULT_PATTERNS.map((p) => ({ ...p }));
    return value.filter(
      (p): p is LogPattern => typeof p === 'object' && p !== null && typeof (p as LogPattern).id === 'string' && typeof (p as LogPattern).regex === 'string',
    );
  }

  /** `clusterCredentials.logs.tailLines`: lines read from the end of each container log (0: all). */
  get logTailLines(): number {
    const value = this.config.get<number>('logs.tailLines', 2000);
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : 2000;
  }

  /** `clusterCredentials.logs.sinceSeconds`: only log lines this recent (0: no limit). */
  get logSinceSeconds(): number {
    const value = this.config.get<number>('logs.sinceSeconds', 86400);
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : 86400;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
