// One session's cluster state: its inventory (namespaces, service accounts, pods, legacy token Secrets),
// the cluster's keys, the live tokens read so far (each recorded in history as it is read, as is what the
// inventory decodes of legacy token Secrets), the verdicts on
// tokens (what the API server would answer, learned from all of these), and the Deployments of ReplicaSets
// already looked up. Made when a session begins, disposed when it ends: nothing here outlives its session.
import * as l10n from '@vscode/l10n';
import type { ClusterSession } from '../cluster/auth/session';
import { Inventory } from '../cluster/inventory/inventory';
import { liveTargetsOf } from '../cluster/inventory/liveTargets';
import { liveTokenKey, type InventorySnapshot, type LegacySecretItem, type LiveTokenReading, type LiveTokenTarget } from '../cluster/inventory/types';
import { ClusterKeys } from '../cluster/live/jwks';
import { LiveTokens, type LiveTokenMode } from '../cluster/live/liveTokenCache';
import { readLiveToken } from '../cluster/live/readLiveToken';
import type { InventoryModeSetting } from '../cluster/inventory/inventoryMode';
import type { Timer } from '../cluster/inventory/namespaceHolds';
import { ClaimCache, type WorkloadResolver } from '../cluster/scan/podEvidence';
import type { TokenVerdict } from '../diagnosis/tokenVerdict';
import type { HistoryRecord, TokenObservation } from '../history/types';
import { errorMessage } from '../shared/values';
import type { DecodedToken } from '../token/types';
import { TokenVerdicts } from './tokenVerdicts';

/** The settings the state follows; the extension's Settings fits. */
export interface StateSettings {
  /** `clusterCredentials.namespaces`: empty means every namespace. */
  readonly namespaces: readonly string[];
  readonly liveTokens: LiveTokenMode;
  readonly liveTokensIntervalSeconds: number;
  readonly liveTokensConcurrency: number;
  /** `clusterCredentials.inventory.mode`. */
  readonly inventoryMode: InventoryModeSetting;
  /** `clusterCredentials.inventory.podThreshold`. */
  readonly inventoryPodThreshold: number;
}

/** Where live readings are recorded; HistoryStore fits. */
export interface HistorySink {
  append(records: HistoryRecord[]): Promise<unknown>;
}

export interface StateLog {
  warn(message: string): void;
}

/** For tests: a quicker inventory. */
export interface InventoryTuning {
  coalesceMs?: number;
  retryDelaysMs?: readonly number[];
  /** How long a namespace stays listed once nothing holds it, and the timer that says so. */
  releaseAfterMs?: number;
  timer?: Timer;
}

export interface SessionStateOptions {
  session: ClusterSession;
  settings: StateSettings;
  onChange: () => void;
  history?: HistorySink;
  log?: StateLog;
  tuning?: InventoryTuning;
}

export class SessionState {
  readonly session: ClusterSession;
  readonly inventory: Inventory;
  readonly keys: ClusterKeys;
  readonly live: LiveTokens;
  /** Whether the API server accepts a token, without asking it (diagnosis/tokenVerdict.ts). */
  readonly verdicts: TokenVerdicts;
  /** `namespace/ReplicaSet` → Deployment, read once per ReplicaSet for the session. */
  readonly workloads: WorkloadResolver = new Map();
  /** The PVCs of stalled pods, read on demand and kept until the pod changes. */
  readonly claims = new ClaimCache();
  private started = false;
  private disposed = false;
  /** `uid\0fingerprint` of the legacy token Secrets already recorded in history this session. */
  private readonly recordedSecrets = new Set<string>();

  constructor(private readonly opts: SessionStateOptions) {
    const { session, settings } = opts;
    this.session = session;
    this.keys = new ClusterKeys(session.api);
    const verify = (raw: string) => this.keys.verify(raw);
    this.live = new LiveTokens({
      read: (t) => readLiveToken(session.api, t, { verify }),
      concurrency: settings.liveTokensConcurrency,
      onChange: opts.onChange,
      onReading: (t, r) => {
        this.learnAudiences(t, r);
        this.record(t, r);
      },
    });
    this.inventory = new Inventory({
      api: session.api,
      namespaces: settings.namespaces,
      mode: settings.inventoryMode,
      podThreshold: settings.inventoryPodThreshold,
      ...(session.summary.namespace ? { contextNamespace: session.summary.namespace } : {}),
      verify,
      onChange: () => this.inventoryChanged(),
      log: (m) => opts.log?.warn(m),
      ...(opts.tuning?.coalesceMs !== undefined ? { coalesceMs: opts.tuning.coalesceMs } : {}),
      ...(opts.tuning?.retryDelaysMs ? { retryDelaysMs: opts.tuning.retryDelaysMs } : {}),
      ...(opts.tuning?.releaseAfterMs !== undefined ? { releaseAfterMs: opts.tuning.releaseAfterMs } : {}),
      ...(opts.tuning?.timer ? { timer: opts.tuning.timer } : {}),
    });
    this.verdicts = new TokenVerdicts({
      api: session.api,
      snapshot: () => this.snapshot(),
      settled: () => this.synced(),
      onChange: opts.onChange,
    });
  }

  /** True once something needed the cluster: the lists run from then on. */
  get isStarted(): boolean {
    return this.started;
  }

  /** Starts the lists and watches (and `auto` live reads); safe to call often. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.inventory.start();
    this.applyLiveMode();
  }

  /** `clusterCredentials.liveTokens.mode` may have changed. */
  applyLiveMode(): void {
    if (!this.started || this.disposed) return;
    if (this.opts.settings.liveTokens !== 'auto') {
      this.live.stopAuto();
      return;
    }
    // The first pass waits for the lists: begun on an empty inventory, it would read nothing until the next interval.
    void this.inventory.whenSettled().then(
      () => {
        const { liveTokens, liveTokensIntervalSeconds } = this.opts.settings;
        if (this.disposed || liveTokens !== 'auto') return;
        this.live.startAuto(() => liveTargetsOf(this.inventory.snapshot().pods), liveTokensIntervalSeconds * 1000);
      },
      () => undefined,
    );
  }

  /** The inventory once every list has answered (started if it was not). */
  synced(): Promise<InventorySnapshot> {
    this.start();
    return this.inventory.whenSettled();
  }

  /** What the lists hold, once started. */
  snapshot(): InventorySnapshot | undefined {
    return this.started ? this.inventory.snapshot() : undefined;
  }

  /** Lists again (Refresh); a namespace narrows it to that namespace's lists. */
  refresh(namespace?: string): void {
    if (this.started) this.inventory.refresh(namespace);
  }

  /** The token files of one pod, by uid (or by name when the uid is not known). */
  podTargets(pod: { namespace: string; name: string; uid?: string }): LiveTokenTarget[] {
    const pods = this.inventory.snapshot().pods.filter((p) => p.uid === pod.uid || (p.namespace === pod.namespace && p.name === pod.name));
    return liveTargetsOf(pods);
  }

  /**
   * Why a live read of this pod or token file must not run, in a sentence; undefined when it may. Only pods the
   * inventory knows, running on a node, and only the token paths their spec projects: never `cat` of another path.
   */
  liveReadRefusal(ref: { namespace: string; name: string; uid?: string; path?: string }): string | undefined {
    const pod = this.inventory.snapshot().pods.find((p) => p.uid === ref.uid || (p.namespace === ref.namespace && p.name === ref.name));
    const what = `${ref.namespace}/${ref.name}`;
    if (!pod) return l10n.t("pod {0} is not in this context's pod list (any more); refresh the explorer", what);
    if (pod.nodeName === undefined || pod.nodeName === '') return l10n.t('pod {0} is Pending (not scheduled to a node): it has no token yet', what);
    if (pod.deleting) return l10n.t('pod {0} is being deleted: its token is no longer refreshed, and it will be gone soon', what);
    if (pod.phase !== 'Running') return l10n.t('pod {0} is {1}: no container runs to read a token file in', what, pod.phase);
    const paths = liveTargetsOf([pod]).map((t) => t.path);
    if (paths.length === 0) return l10n.t('pod {0} mounts no projected service-account token', what);
    if (ref.path !== undefined && !paths.includes(ref.path)) return l10n.t('{0} is not a token file pod {1} projects ({2})', ref.path, what, paths.join(', '));
    return undefined;
  }

  readLiveTokens(targets: readonly LiveTokenTarget[]): Promise<LiveTokenReading[]> {
    this.start();
    return Promise.all(targets.map((t) => this.live.read(t)));
  }

  /**
   * The verdict on a token found outside the cluster (a document): its signature checked against the cluster's keys
   * (`raw` is used for that check only), the rest from what the session knows now.
   */
  async verdictOfRaw(raw: string, token: DecodedToken, nowSec: number): Promise<TokenVerdict> {
    const [signature] = await Promise.all([this.keys.verify(raw), this.verdicts.known()]);
    return this.verdicts.verdictNow(token, signature, nowSec);
  }

  /** The fingerprint of a legacy token Secret's token, when the inventory decoded it. */
  secretFingerprint(namespace: string, name: string): string | undefined {
    return this.inventory.snapshot().secrets.find((s) => s.namespace === namespace && s.name === name)?.token?.fingerprint;
  }

  dispose(): void {
    this.disposed = true;
    this.verdicts.dispose();
    this.inventory.stop();
    this.live.dispose();
  }

  private inventoryChanged(): void {
    // Readings of token files whose pod is gone are dropped; not while a list is still answering.
    if (this.inventory.isSettled()) this.live.prune(new Set(liveTargetsOf(this.inventory.snapshot().pods).map(liveTokenKey)));
    this.recordSecrets(this.inventory.snapshot().secrets);
    this.opts.onChange();
  }

  /**
   * What the inventory decoded of each legacy token Secret goes into the history too (claims and fingerprint, never
   * the token), once per Secret and token for the session: Token Health then shows the token the tree shows.
   */
  private recordSecrets(secrets: readonly LegacySecretItem[]): void {
    const history = this.opts.history;
    if (!history || this.disposed) return;
    const fresh: TokenObservation[] = [];
    for (const s of secrets) {
      const token = s.token;
      const key = `${s.uid}\u0000${token?.fingerprint ?? ''}`;
      if (token === undefined || this.recordedSecrets.has(key)) continue;
      this.recordedSecrets.add(key);
      const c = token.claims;
      fresh.push({
        kind: 'token',
        at: Date.now(),
        // The Secret as the path: its own lane, apart from tokens requested for the same service account.
        subject: { context: this.session.context, namespace: s.namespace, serviceAccount: s.serviceAccount, path: `secret/${s.name}` },
        source: 'secret',
        fingerprint: token.fingerprint,
        ...(c.iat !== undefined ? { iat: c.iat } : {}),
        ...(c.exp !== undefined ? { exp: c.exp } : {}),
        ...(c.kubernetes?.warnAfter !== undefined ? { warnAfter: c.kubernetes.warnAfter } : {}),
        ...(c.jti !== undefined ? { jti: c.jti } : {}),
      });
    }
    if (fresh.length === 0) return;
    history.append(fresh).catch((err: unknown) => this.opts.log?.warn(`Could not record a legacy token Secret in the history: ${errorMessage(err)}`));
  }

  /**
   * A token the API server minted for a projection that names no audience carries all of the server's default
   * audiences: the one place they can be learned without asking it.
   */
  private learnAudiences(t: LiveTokenTarget, r: LiveTokenReading): void {
    if (!r.ok || r.signature.status !== 'signed') return;
    const pod = this.inventory.snapshot().pods.find((p) => p.uid === t.podUid);
    const mount = pod?.containers.find((c) => c.name === t.container)?.tokens.find((m) => m.path === t.path);
    if (mount !== undefined && mount.audience === undefined) this.verdicts.learnDefaultAudiences(r.token.claims.aud);
  }

  /** Claims and fingerprint of each live reading, never the token. */
  private record(t: LiveTokenTarget, r: LiveTokenReading): void {
    const history = this.opts.history;
    if (!r.ok || !history) return;
    const c = r.token.claims;
    const serviceAccount = c.kubernetes?.serviceAccount?.name;
    const observation: TokenObservation = {
      kind: 'token',
      at: r.atMs,
      subject: {
        context: this.session.context,
        namespace: t.namespace,
        pod: t.pod,
        podUid: t.podUid,
        container: t.container,
        path: t.path,
        ...(serviceAccount ? { serviceAccount } : {}),
      },
      source: 'liveRead',
      fingerprint: r.token.fingerprint,
      ...(c.iat !== undefined ? { iat: c.iat } : {}),
      ...(c.exp !== undefined ? { exp: c.exp } : {}),
      ...(c.kubernetes?.warnAfter !== undefined ? { warnAfter: c.kubernetes.warnAfter } : {}),
      ...(c.jti !== undefined ? { jti: c.jti } : {}),
    };
    history.append([observation]).catch((err: unknown) => this.opts.log?.warn(`Could not record a live token in the history: ${errorMessage(err)}`));
  }
}
