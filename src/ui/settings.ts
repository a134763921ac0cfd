// Typed access to `clusterCredentials.*` settings. One event says which of them changed (and a grant of
// workspace trust changes every restricted one). In an untrusted workspace a restricted setting takes the
// user's own value only (src/shared/settingKeys.ts lists them).
import * as vscode from 'vscode';
import { DEFAULT_PATTERNS, type LogPattern } from '../logs';
import { effectiveSetting, RESTRICTED_SETTINGS, SETTING_KEYS, SETTING_SECTION, type SettingKey } from '../shared/settingKeys';
import type { ExpiryOptions } from '../token/types';
import type { AuditPathSettings } from '../app/auditEvidence';
import type { StatusBarContexts } from '../cluster/auth/contextCredentials';
import type { InventoryModeSetting } from '../cluster/inventory/inventoryMode';

/** A small image with `ls` and `tail` that every registry mirror has; clusters without internet access set their own. */
const DEFAULT_NODE_READER_IMAGE = 'busybox:1.36';
/** Pods above which `auto` lists per namespace (the inventory's own default; a value, not an import: the first bundle holds no cluster module). */
const DEFAULT_POD_THRESHOLD = 20_000;
/** kube-system is usually exempt from Pod Security, which would refuse a hostPath volume elsewhere. */
const DEFAULT_NODE_READER_NAMESPACE = 'kube-system';

export interface SettingsChange {
  readonly keys: ReadonlySet<SettingKey>;
  affects(...keys: SettingKey[]): boolean;
}

function changeOf(keys: Iterable<SettingKey>): SettingsChange {
  const set = new Set(keys);
  return { keys: set, affects: (...ks) => ks.some((k) => set.has(k)) };
}

export class Settings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SettingsChange>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        const keys = SETTING_KEYS.filter((k) => e.affectsConfiguration(`${SETTING_SECTION}.${k}`));
        if (keys.length > 0) this.changed.fire(changeOf(keys));
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(changeOf(RESTRICTED_SETTINGS))),
    ];
  }

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SETTING_SECTION);
  }

  /** The value in force, or `fallback` when none (or an untrusted workspace's value of a restricted key). */
  private read<T>(key: SettingKey, fallback: T): T {
    const value = effectiveSetting<T>(key, this.config.inspect<T>(key), vscode.workspace.isTrusted);
    return value ?? fallback;
  }

  get expiryOptions(): ExpiryOptions {
    const hours = this.read<number>('expiry.warningWindowHours', 24);
    const percent = this.read<number>('expiry.warningWindowPercent', 20);
    return {
      windowSeconds: Math.max(0, hours) * 3600,
      windowFraction: Math.min(100, Math.max(0, percent)) / 100,
    };
  }

  /** `clusterCredentials.statusBar.contexts`: warn about every context's credential (`all`) or only the active one's. */
  get statusBarContexts(): StatusBarContexts {
    return this.read<unknown>('statusBar.contexts', 'all') === 'active' ? 'active' : 'all';
  }

  get problemsEnabled(): boolean {
    return this.read<boolean>('problems.enabled', true);
  }

  get hoverEnabled(): boolean {
    return this.read<boolean>('hover.enabled', true);
  }

  /** Parallel requests of the concurrency probe, 1 to 1000. */
  get probeRequests(): number {
    const n = Math.floor(this.read<number>('probe.requests', 20));
    return Number.isFinite(n) ? Math.min(1000, Math.max(1, n)) : 20;
  }

  /** `clusterCredentials.probe.onStart`: contexts whose credential is probed under concurrency once, when the cluster is first used. */
  get probeOnStart(): string[] {
    const value = this.read<unknown>('probe.onStart', []);
    return Array.isArray(value) ? [...new Set(value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()))] : [];
  }

  /** `clusterCredentials.scan.onStart`: scan every namespace's logs and events for 401s once per context, when the cluster is first used. */
  get scanOnStart(): boolean {
    return this.read<unknown>('scan.onStart', false) === true;
  }

  /**
   * `clusterCredentials.kubeconfig`: overrides KUBECONFIG and ~/.kube/config when set. In an untrusted
   * workspace only the user's own value counts: a workspace must not pick the server our credentials go to.
   */
  get kubeconfigPath(): string | undefined {
    const value: unknown = this.read<unknown>('kubeconfig', '');
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
    const value = this.read<unknown>('namespaces', []);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  }

  /** `clusterCredentials.inventory.mode`: list pods across the cluster, per opened namespace, or by the cluster's size. */
  get inventoryMode(): InventoryModeSetting {
    const value = this.read<unknown>('inventory.mode', 'auto');
    return value === 'cluster' || value === 'namespaces' ? value : 'auto';
  }

  /** `clusterCredentials.inventory.podThreshold`: above this many pods, `auto` lists pods per opened namespace. */
  get inventoryPodThreshold(): number {
    const value = this.read<number>('inventory.podThreshold', DEFAULT_POD_THRESHOLD);
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : DEFAULT_POD_THRESHOLD;
  }

  /** `clusterCredentials.liveTokens.mode`: a child key, so it can sit beside `liveTokens.intervalSeconds` and `.concurrency`. */
  get liveTokens(): 'off' | 'onDemand' | 'auto' {
    const value = this.read<unknown>('liveTokens.mode', 'onDemand');
    return value === 'off' || value === 'auto' ? value : 'onDemand';
  }

  get liveTokensIntervalSeconds(): number {
    const value = this.read<number>('liveTokens.intervalSeconds', 300);
    return Number.isFinite(value) ? Math.max(30, value) : 300;
  }

  get liveTokensConcurrency(): number {
    const value = this.read<number>('liveTokens.concurrency', 4);
    return Number.isFinite(value) ? Math.min(32, Math.max(1, Math.floor(value))) : 4;
  }

  /** `clusterCredentials.history.maxDays`: how long observations and 401 events are kept. */
  get historyMaxDays(): number {
    const value = this.read<number>('history.maxDays', 30);
    return Number.isFinite(value) && value > 0 ? Math.min(3650, value) : 30;
  }

  /** `clusterCredentials.logs.patterns`: the 401 patterns; an empty or unset list means the defaults. */
  get logPatterns(): LogPattern[] {
    const value: unknown = this.read<unknown>('logs.patterns', []);
    if (!Array.isArray(value) || value.length === 0) return DEFAULT_PATTERNS.map((p) => ({ ...p }));
    return value.filter(
      (p): p is LogPattern => typeof p === 'object' && p !== null && typeof (p as LogPattern).id === 'string' && typeof (p as LogPattern).regex === 'string',
    );
  }

  /** `clusterCredentials.logs.tailLines`: lines read from the end of each container log (0: all). */
  get logTailLines(): number {
    const value = this.read<number>('logs.tailLines', 2000);
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : 2000;
  }

  /** `clusterCredentials.logs.sinceSeconds`: only log lines this recent (0: no limit). */
  get logSinceSeconds(): number {
    const value = this.read<number>('logs.sinceSeconds', 86400);
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : 86400;
  }

  /** `clusterCredentials.metrics.intervalSeconds`: seconds between two samples of /metrics while Token Health is open (at least 15). */
  get metricsIntervalSeconds(): number {
    const value = this.read<number>('metrics.intervalSeconds', 60);
    return Number.isFinite(value) ? Math.max(15, value) : 60;
  }

  /** `clusterCredentials.audit.nodeReaderImage`: the image of the pod that reads a control-plane node's audit log. */
  get nodeReaderImage(): string {
    const value = this.read<string>('audit.nodeReaderImage', DEFAULT_NODE_READER_IMAGE);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_NODE_READER_IMAGE;
  }

  /** `clusterCredentials.audit.nodeReaderNamespace`: where that pod is created. */
  get nodeReaderNamespace(): string {
    const value = this.read<string>('audit.nodeReaderNamespace', DEFAULT_NODE_READER_NAMESPACE);
    return typeof value === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value.trim()) ? value.trim() : DEFAULT_NODE_READER_NAMESPACE;
  }

  /** `clusterCredentials.requestTimeoutSeconds`: the deadline of every API request but watches. */
  get requestTimeoutSeconds(): number {
    const value = this.read<number>('requestTimeoutSeconds', 30);
    return Number.isFinite(value) ? Math.min(600, Math.max(1, value)) : 30;
  }

  /**
   * `clusterCredentials.audit.paths` as written (resolved by src/app/auditEvidence.ts), with what decides whether
   * each may be read: in an untrusted workspace only the user's own value counts, and no file inside the workspace is read.
   */
  get auditPaths(): AuditPathSettings {
    const value = this.read<unknown>('audit.paths', []);
    const paths = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const settings: AuditPathSettings = { paths, trusted: vscode.workspace.isTrusted, workspaceFolders: folders };
    const first = this.workspaceFolder;
    if (first !== undefined) settings.workspaceFolder = first;
    return settings;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
