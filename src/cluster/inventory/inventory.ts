// The explorer's picture of one context: namespaces, service accounts, pods and legacy token Secrets,
// each kept current by a list+watch. Cluster-wide when allowed; the configured namespaces (or, when
// listing across the cluster is forbidden, the context's namespace) otherwise. On a large cluster
// (inventoryMode.ts) namespaces and service accounts stay cluster-wide while pods and token Secrets are
// listed only for the namespaces held open (namespaceHolds.ts), each with its own list+watch.
import type { ApiClients } from '../auth/apiClient';
import type { ClusterError } from '../errors';
import type {
  InventoryScope,
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
import { InternPool } from './internPool';
import { configuredScope, decideMode, DEFAULT_POD_THRESHOLD, narrowedScope, SizeProbe, type InventoryModeSetting } from './inventoryMode';
import { NamespaceHolds, type Timer } from './namespaceHolds';
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
  /** `clusterCredentials.inventory.mode` (default `auto`). */
  mode?: InventoryModeSetting;
  /** `clusterCredentials.inventory.podThreshold`: above it, `auto` lists pods per namespace. */
  podThreshold?: number;
  /** How long a namespace stays listed once nothing holds it (namespaceHolds.ts). */
  releaseAfterMs?: number;
  /** For tests: the timer of those releases. */
  timer?: Timer;
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
  /** One copy of each repeated name for every projection of the session. */
  private readonly pool = new InternPool();
  private watches: Watches = { serviceaccounts: new Map(), pods: new Map(), secrets: new Map() };
  private fixedNamespaces: string[] | undefined;
  private fallback: ClusterError | undefined;
  /** Undefined while the cluster's size is being asked. */
  private scope: InventoryScope | undefined;
  private readonly size: SizeProbe;
  private readonly holds: NamespaceHolds;
  private version = 0;
  private cached: InventorySnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  /** Who waits for a state of the lists (settled, a namespace listed); woken on stop() whatever they wait for. */
  private waiters: { ready: () => boolean; resolve: (snapshot: InventorySnapshot) => void }[] = [];

  constructor(private readonly opts: InventoryOptions) {
    this.fixedNamespaces = configuredNamespaces(opts.namespaces);
    this.size = new SizeProbe({
      api: opts.api,
      gate: this.gate,
      onStatus: () => this.changed(),
      ...(opts.nowMs ? { nowMs: opts.nowMs } : {}),
      ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    this.holds = new NamespaceHolds({
      onStart: (ns) => this.startNamespace(ns),
      onRelease: (ns) => this.releaseNamespace(ns),
      ...(opts.releaseAfterMs !== undefined ? { releaseAfterMs: opts.releaseAfterMs } : {}),
      ...(opts.timer ? { timer: opts.timer } : {}),
    });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.build();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.holds.dispose();
    this.size.stop();
    for (const w of this.all()) w.stop();
    this.wakeWaiters();
  }

  /** True once every list has answered at least once, with items or with an error. */
  isSettled(): boolean {
    if (!this.started || (this.scope === undefined && this.size.status.state === 'loading')) return false;
    const statuses = Object.values(this.snapshot().status).flatMap((m) => [...m.values()]);
    return statuses.every((s) => s.state !== 'loading');
  }

  /** The tree opened `namespace`: when listing per namespace, its pods and token Secrets are listed from now on. */
  open(namespace: string): void {
    this.holds.open(namespace);
  }

  /** The tree closed `namespace`: its lists stop a while later, unless something else holds it. */
  close(namespace: string): void {
    this.holds.close(namespace);
  }

  /** The tree closed the context, and with it every namespace under it. */
  closeAll(): void {
    this.holds.closeAll();
  }

  /** Namespaces with findings stay listed; true when one of them was not listed yet (its lists just began). */
  keepForFindings(namespaces: Iterable<string>): boolean {
    return this.holds.setFindings(namespaces);
  }

  /** Lists `namespace` for a command (a scan) until the answer is called. */
  borrow(namespace: string): () => void {
    return this.holds.borrow(namespace);
  }

  /** The snapshot once every list has answered (the diagnosis must not judge an empty cluster), or on stop(). */
  whenSettled(): Promise<InventorySnapshot> {
    return this.when(() => this.isSettled());
  }

  /** The snapshot once the pods and token Secrets of `namespace` have answered (in whichever mode), or on stop(). */
  whenListed(namespace: string): Promise<InventorySnapshot> {
    return this.when(() => {
      if (!this.started) return false;
      const { status } = this.snapshot();
      return (['pods', 'secrets'] as const).every((kind) => {
        const s = status[kind].get(namespace) ?? status[kind].get(ALL);
        return s !== undefined && s.state !== 'loading';
      });
    });
  }

  private when(ready: () => boolean): Promise<InventorySnapshot> {
    if (this.stopped || ready()) return Promise.resolve(this.snapshot());
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  /** Lists everything again (the Refresh command); a namespace narrows it to that namespace's kinds. */
  refresh(namespace?: string): void {
    this.size.retryNow();
    for (const kind of KINDS) {
      if (kind === 'namespaces') {
        if (namespace === undefined) this.watches.namespaces?.relist();
        continue;
      }
      for (const [ns, w] of this.watches[kind]) if (namespace === undefined || ns === ALL || ns === namespace) w.relist();
    }
  }

  /** Total full lists made so far (paging counts once; the size's `limit=1` lists too), for tests and benchmarks. */
  listCount(): number {
    return this.all().reduce((n, w) => n + w.lists, this.size.lists);
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
        // Until the size is known, the pod and Secret lists wait on that question (and its failure).
        if (this.started && !this.fixedNamespaces && this.scope === undefined && kind !== 'serviceaccounts') out.set(ALL, this.size.status);
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
      ...(this.scope ? { scope: this.scope } : {}),
    };
    return this.cached;
  }

  private all(): AnyWatch[] {
    const w = this.watches;
    return [...(w.namespaces ? [w.namespaces] : []), ...w.serviceaccounts.values(), ...w.pods.values(), ...w.secrets.values()];
  }

  private build(): void {
    const fixed = this.fixedNamespaces;
    if (fixed) {
      this.scope = this.fallback && fixed[0] !== undefined ? narrowedScope(fixed[0]) : configuredScope();
      for (const ns of fixed) {
        const accounts = this.serviceAccountWatch(ns);
        this.watches.serviceaccounts.set(ns, accounts);
        accounts.start();
        this.startNamespace(ns);
      }
      return;
    }
    // Namespaces and service accounts are listed across the cluster in either mode.
    this.watches.namespaces = this.watch('namespaces', '/api/v1/namespaces', undefined, (obj) => projectNamespace(obj, this.pool));
    this.watches.serviceaccounts.set(ALL, this.serviceAccountWatch(undefined));
    for (const w of this.all()) w.start();
    const setting = this.opts.mode ?? 'auto';
    if (setting === 'auto') void this.probe();
    else this.decide(decideMode(setting, undefined, this.threshold));
  }

  private get threshold(): number {
    return this.opts.podThreshold ?? DEFAULT_POD_THRESHOLD;
  }

  /** At 150,000 pods the lists must not begin cluster-wide by mistake: the size first, whatever it takes. */
  private async probe(): Promise<void> {
    const answer = await this.size.run();
    if (answer === undefined || this.stopped || this.scope !== undefined || this.fixedNamespaces) return;
    if (answer.ok) this.decide(decideMode('auto', answer.size, this.threshold));
    // Not allowed to list pods across the cluster: the context's namespace, or else the lists' own 403s to show.
    else if (!this.fallBack(answer.error)) this.decide(decideMode('auto', undefined, this.threshold));
  }

  private decide(scope: InventoryScope): void {
    this.scope = scope;
    if (scope.mode === 'cluster') {
      const pods = this.podWatch(undefined);
      const secrets = this.secretWatch(undefined);
      this.watches.pods.set(ALL, pods);
      this.watches.secrets.set(ALL, secrets);
      pods.start();
      secrets.start();
    } else {
      this.holds.enable();
    }
    this.changed();
  }

  /** A namespace's pods and token Secrets, listed and watched on their own. */
  private startNamespace(ns: string): void {
    if (this.stopped) return;
    const pods = this.podWatch(ns);
    const secrets = this.secretWatch(ns);
    this.watches.pods.set(ns, pods);
    this.watches.secrets.set(ns, secrets);
    pods.start();
    secrets.start();
    this.changed();
  }

  private releaseNamespace(ns: string): void {
    for (const kind of ['pods', 'secrets'] as const) {
      this.watches[kind].get(ns)?.stop();
      this.watches[kind].delete(ns);
    }
    this.changed();
  }

  private base(ns: string | undefined): string {
    return ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}` : '/api/v1';
  }

  private serviceAccountWatch(ns: string | undefined): ResourceWatch<ServiceAccountItem> {
    return this.watch('serviceaccounts', `${this.base(ns)}/serviceaccounts`, ns, (obj) => projectServiceAccount(obj, this.pool));
  }

  private podWatch(ns: string | undefined): ResourceWatch<PodItem> {
    return this.watch('pods', `${this.base(ns)}/pods`, ns, (obj) => projectPod(obj, this.pool));
  }

  private secretWatch(ns: string | undefined): ResourceWatch<LegacySecretItem> {
    return this.watch(
      'secrets',
      `${this.base(ns)}/secrets`,
      ns,
      (obj) => projectLegacySecret(obj, (raw, item) => this.verifySecret(raw, item), this.pool),
      'type=kubernetes.io/service-account-token',
    );
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
    if (this.waiters.length > 0) this.wakeWaiters();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.opts.onChange?.();
    }, this.opts.coalesceMs ?? 100);
  }

  private wakeWaiters(): void {
    const due = this.stopped ? this.waiters : this.waiters.filter((w) => w.ready());
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => !due.includes(w));
    for (const w of due) w.resolve(this.snapshot());
  }

  /**
   * A user allowed only in their own namespace (kubectl's default for the context) cannot list across
   * the cluster: show that namespace rather than a tree of 403s. The cluster-wide list that says so is the
   * pods' (or, listing pods per namespace, the service accounts').
   */
  private maybeFallBack(): void {
    if (this.fixedNamespaces || this.scope === undefined) return;
    const status = (this.scope.mode === 'cluster' ? this.watches.pods : this.watches.serviceaccounts).get(ALL)?.status;
    if (status?.state === 'error' && status.error) this.fallBack(status.error);
  }

  /** Narrows to the context's namespace after `error`; false when it is not a refusal or there is no such namespace. */
  private fallBack(error: ClusterError): boolean {
    const ns = forbiddenFallback(error, this.opts.contextNamespace);
    if (ns === undefined) return false;
    this.fallback = error;
    this.holds.dispose();
    this.size.stop();
    for (const w of this.all()) w.stop();
    this.watches = { serviceaccounts: new Map(), pods: new Map(), secrets: new Map() };
    this.fixedNamespaces = [ns];
    this.build();
    this.changed();
    return true;
  }

  /** Why the inventory shows only the context's namespace, when it does. */
  get fallbackReason(): ClusterError | undefined {
    return this.fallback;
  }
}
