// The explorer's picture of one context: namespaces, service accounts, pods and legacy token Secrets,
// each kept current by a list+watch. Cluster-wide when allowed; the configured namespaces (or, when
// listing across the cluster is forbidden, the context's namespace) otherwise.
import type { ApiClients } from '../auth/apiClient';
import type { ClusterError } from '../errors';
import type {
  InventorySnapshot,
  KindStatus,
  LegacySecretItem,
  NamespaceItem,
  PodItem,
  ResourceKind,
  ResourceStatus,
  ServiceAccountItem,
  SignatureCheck,
} from './types';
import { configuredNamespaces, forbiddenFallback } from './namespaceReach';
import { projectLegacySecret, projectNamespace, projectPod, projectServiceAccount } from './projection';
import { KindGate, ResourceWatch } from './resourceWatch';

export interface InventoryOptions {
  api: ApiClients;
  /** `clusterCredentials.namespaces`; empty means all namespaces. */
  namespaces?: readonly string[];
  /** The context's namespace, used when listing across the cluster is forbidden. */
  contextNamespace?: string;
  /** Checks a legacy Secret's token; receives the raw token and must not keep it. */
  verify?: (raw: string) => Promise<SignatureCheck>;
  onChange?: () => void;
  nowMs?: () => number;
  retryDelaysMs?: readonly number[];
  /** Coalesces bursts of watch events into one change (default 100 ms). */
  coalesceMs?: number;
  log?: (message: string) => void;
}

type AnyWatch = ResourceWatch<NamespaceItem> | ResourceWatch<ServiceAccountItem> | ResourceWatch<PodItem> | ResourceWatch<LegacySecretItem>;

interface Watches {
  namespaces?: ResourceWatch<NamespaceItem>;
  serviceaccounts: Map<string, ResourceWatch<ServiceAccountItem>>;
  pods: Map<string, ResourceWatch<PodItem>>;
  secrets: Map<string, ResourceWatch<LegacySecretItem>>;
}

const ALL = '*';
const KINDS: ResourceKind[] = ['namespaces', 'serviceaccounts', 'pods', 'secrets'];

export class Inventory {
  private readonly gate = new KindGate();
  private watches: Watches = { serviceaccounts: new Map(), pods: new Map(), secrets: new Map() };
  private fixedNamespaces: string[] | undefined;
  private fallback: ClusterError | undefined;
  private version = 0;
  private cached: InventorySnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waiters: ((snapshot: InventorySnapshot) => void)[] = [];

  constructor(private readonly opts: InventoryOptions) {
    this.fixedNamespaces = configuredNamespaces(opts.namespaces);
  }

  start(): void {
    this.build();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.all()) w.stop();
    this.wakeWaiters();
  }

  /** True once every list has answered at least once, with items or with an error. */
  isSettled(): boolean {
    const statuses = Object.values(this.snapshot().status).flatMap((m) => [...m.values()]);
    return this.watches.pods.size > 0 && statuses.every((s) => s.state !== 'loading');
  }

  /** The snapshot once every list has answered (the diagnosis must not judge an empty cluster), or on stop(). */
  whenSettled(): Promise<InventorySnapshot> {
    if (this.stopped || this.isSettled()) return Promise.resolve(this.snapshot());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lists everything again (the Refresh command); a namespace narrows it to that namespace's kinds. */
  refresh(namespace?: string): void {
    for (const kind of KINDS) {
      if (kind === 'namespaces') {
        if (namespace === undefined) this.watches.namespaces?.relist();
        continue;
      }
      for (const [ns, w] of this.watches[kind]) if (namespace === undefined || ns === ALL || ns === namespace) w.relist();
    }
  }

  /** Total full lists made so far (paging counts once), for tests and benchmarks. */
  listCount(): number {
    return this.all().reduce((n, w) => n + w.lists, 0);
  }

  snapshot(): InventorySnapshot {
    if (this.cached?.version === this.version) return this.cached;
    const w = this.watches;
    const flat = <T>(m: Map<string, ResourceWatch<T>>): T[] => [...m.values()].flatMap((x) => [...x.items.values()]);
    const namespaces: NamespaceItem[] = this.fixedNamespaces ? this.fixedNamespaces.map((name) => ({ name })) : [...(w.namespaces?.items.values() ?? [])];
    namespaces.sort((a, b) => a.name.localeCompare(b.name));
    const statusOf = (kind: ResourceKind): KindStatus => {
      const out = new Map<string, ResourceStatus>();
      if (kind === 'namespaces') {
        if (w.namespaces) out.set(ALL, w.namespaces.status);
        else if (this.fallback) out.set(ALL, { state: 'error', error: this.fallback });
      } else {
        for (const [ns, x] of w[kind]) out.set(ns, x.status);
      }
      return out;
    };
    this.cached = {
      version: this.version,
      namespaces,
      serviceAccounts: flat(w.serviceaccounts),
      pods: flat(w.pods),
      secrets: flat(w.secrets),
      status: { namespaces: statusOf('namespaces'), serviceaccounts: statusOf('serviceaccounts'), pods: statusOf('pods'), secrets: statusOf('secrets') },
      namespacesFixed: this.fixedNamespaces !== undefined,
    };
    return this.cached;
  }

  private all(): AnyWatch[] {
    const w = this.watches;
    return [...(w.namespaces ? [w.namespaces] : []), ...w.serviceaccounts.values(), ...w.pods.values(), ...w.secrets.values()];
  }

  private build(): void {
    const scopes = this.fixedNamespaces ?? [ALL];
    if (!this.fixedNamespaces) this.watches.namespaces = this.watch('namespaces', '/api/v1/namespaces', undefined, projectNamespace);
    for (const scope of scopes) {
      const ns = scope === ALL ? undefined : scope;
      const base = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}` : '/api/v1';
      this.watches.serviceaccounts.set(scope, this.watch('serviceaccounts', `${base}/serviceaccounts`, ns, projectServiceAccount));
      this.watches.pods.set(scope, this.watch('pods', `${base}/pods`, ns, projectPod));
      this.watches.secrets.set(
        scope,
        this.watch(
          'secrets',
          `${base}/secrets`,
          ns,
          (obj) => projectLegacySecret(obj, (raw, item) => this.verifySecret(raw, item)),
          'type=kubernetes.io/service-account-token',
        ),
      );
    }
    for (const w of this.all()) w.start();
  }

  private watch<T>(
    kind: ResourceKind,
    path: string,
    namespace: string | undefined,
    project: (obj: unknown) => T | undefined,
    fieldSelector?: string,
  ): ResourceWatch<T> {
    return new ResourceWatch<T>({
      api: this.opts.api,
      kind,
      path,
      ...(namespace ? { namespace } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
      project,
      gate: this.gate,
      onChange: () => this.changed(),
      ...(this.opts.nowMs ? { nowMs: this.opts.nowMs } : {}),
      ...(this.opts.retryDelaysMs ? { retryDelaysMs: this.opts.retryDelaysMs } : {}),
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
  }

  private verifySecret(raw: string, item: LegacySecretItem): void {
    const verify = this.opts.verify;
    if (!verify) return;
    void verify(raw).then((signature) => {
      item.signature = signature;
      this.changed();
    });
  }

  private changed(): void {
    if (this.stopped) return;
    this.version++;
    this.maybeFallBack();
    if (this.waiters.length > 0 && this.isSettled()) this.wakeWaiters();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.opts.onChange?.();
    }, this.opts.coalesceMs ?? 100);
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(this.snapshot());
  }

  /**
   * A user allowed only in their own namespace (kubectl's default for the context) cannot list across
   * the cluster: show that namespace rather than a tree of 403s.
   */
  private maybeFallBack(): void {
    if (this.fixedNamespaces) return;
    const pods = this.watches.pods.get(ALL)?.status;
    const ns = pods?.state === 'error' ? forbiddenFallback(pods.error, this.opts.contextNamespace) : undefined;
    if (ns === undefined || pods?.error === undefined) return;
    this.fallback = pods.error;
    for (const w of this.all()) w.stop();
    this.watches = { serviceaccounts: new Map(), pods: new Map(), secrets: new Map() };
    this.fixedNamespaces = [ns];
    this.build();
  }

  /** Why the inventory shows only the context's namespace, when it does. */
  get fallbackReason(): ClusterError | undefined {
    return this.fallback;
  }
}
