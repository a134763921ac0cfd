// How far the inventory lists pods and token Secrets: across the cluster, or only in the namespaces that are
// active (opened in the tree, pinned, with findings). `auto` learns the cluster's size from one `limit=1` list
// of each (the API server says how many are left in `metadata.remainingItemCount`) and keeps the cluster-wide
// lists for clusters up to `clusterCredentials.inventory.podThreshold` pods: at 150,000 pods a cluster-wide
// list is hundreds of megabytes and half a minute before the first tree.
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../auth/apiClient';
import { Backoff } from '../backoff';
import type { ClusterError } from '../errors';
import type { KindGate } from './resourceWatch';
import type { InventoryScope, ResourceStatus } from './types';

export type InventoryModeSetting = 'auto' | 'cluster' | 'namespaces';

export const DEFAULT_POD_THRESHOLD = 20_000;

/** How many of each the cluster holds; undefined when it did not say. */
export interface ClusterSize {
  pods?: number;
  secrets?: number;
}

/** The size, or why pods cannot be listed across the cluster. */
export type SizeAnswer = { ok: true; size: ClusterSize } | { ok: false; error: ClusterError };

const MODE_SETTING = 'clusterCredentials.inventory.mode';

// Every sentence the tree and the log show about the mode, in one place; made at use, in the display language.
const WORDS = {
  namespacesMode: () => l10n.t('Showing pods only for namespaces you open'),
  clusterMode: () => l10n.t('Listing pods across the cluster'),
  configuredMode: () => l10n.t('Listing pods only in the namespaces of {0}', 'clusterCredentials.namespaces'),
  configured: () => l10n.t('the setting names them'),
  narrowedMode: (namespace: string) => l10n.t("Listing pods only in namespace {0}, the context's", namespace),
  forbidden: () => l10n.t('listing across the cluster is forbidden'),
  setting: (value: string) => l10n.t('{0} is {1}', MODE_SETTING, value),
  largePods: (n: number, threshold: number) => l10n.t('the cluster has about {0} pods (over {1})', count(n), count(threshold)),
  largeSecrets: (n: number, threshold: number) => l10n.t('the cluster has about {0} Secrets (over {1})', count(n), count(threshold)),
  small: (n: number, threshold: number) => l10n.t('the cluster has about {0} pods (up to {1})', count(n), count(threshold)),
  unknownSize: () => l10n.t('the cluster did not say how many pods it has'),
  sentence: (mode: string, reason: string) => l10n.t('{0}: {1}', mode, reason),
};

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The number of objects a `limit=1` list page stands for; undefined when the server did not say. */
export function countOf(page: { items?: unknown[]; metadata?: { continue?: string; remainingItemCount?: number } }): number | undefined {
  const items = page.items?.length ?? 0;
  const remaining = page.metadata?.remainingItemCount;
  if (typeof remaining === 'number') return items + remaining;
  // No continue token: the page is the whole list.
  return page.metadata?.continue ? undefined : items;
}

type Count = { ok: true; n: number | undefined } | { ok: false; error: ClusterError };

type SizeKind = 'pods' | 'secrets';
const SIZE_KINDS: readonly SizeKind[] = ['pods', 'secrets'];

/** What one round of asking found. */
export interface SizeRound {
  size: ClusterSize;
  /** The kinds the cluster answered for (a count, or a refusal). */
  answered: SizeKind[];
  /** Listing pods across the cluster is forbidden: the size is no use then. */
  refused?: ClusterError;
  /** Failures worth another try (unreachable, 401, 429, 5xx), one per list. */
  failures: ClusterError[];
}

async function countKind(api: ApiClients, gate: KindGate, kind: SizeKind): Promise<Count> {
  const res = await gate.run(kind, () => api.rawRequest(`/api/v1/${kind}?limit=1`, { about: { verb: 'list', resource: kind } }));
  if (!res.ok) return res;
  try {
    return { ok: true, n: countOf(JSON.parse(res.body) as Parameters<typeof countOf>[0]) };
  } catch {
    return { ok: true, n: undefined };
  }
}

/**
 * One `limit=1` list of pods and one of Secrets across the cluster (only those not in `known`), each through the
 * session's gate. All Secrets, not only token Secrets: a selector makes the server leave out remainingItemCount.
 * A refused Secret list leaves that count out (its own list says why, later).
 */
export async function probeClusterSize(api: ApiClients, gate: KindGate, known: ReadonlySet<SizeKind> = new Set()): Promise<SizeRound> {
  const kinds = SIZE_KINDS.filter((k) => !known.has(k));
  const counts = await Promise.all(kinds.map((k) => countKind(api, gate, k)));
  const round: SizeRound = { size: {}, answered: [], failures: [] };
  kinds.forEach((kind, i) => {
    const c = counts[i];
    if (c === undefined) return;
    if (c.ok || c.error.kind === 'forbidden') round.answered.push(kind);
    if (c.ok && c.n !== undefined) round.size[kind] = c.n;
    else if (!c.ok && c.error.kind !== 'forbidden') round.failures.push(c.error);
    else if (!c.ok && kind === 'pods') round.refused = c.error;
  });
  return round;
}

export interface SizeProbeOptions {
  api: ApiClients;
  gate: KindGate;
  /** The status changed (a failure and its retry time). */
  onStatus: () => void;
  nowMs?: () => number;
  /** Fixed waits before each retry, the last repeated (tests); by default the reflector's backoff. */
  retryDelaysMs?: readonly number[];
  log?: (message: string) => void;
}

/** Asks the size until the cluster answers or refuses; a failure in between (unreachable, 5xx, 429) is retried as a list would be. */
export class SizeProbe {
  status: ResourceStatus = { state: 'loading' };
  /** Lists that answered, for the inventory's count. */
  lists = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: SizeProbeOptions) {}

  /** The answer, or a refusal (403); undefined when stopped first. */
  async run(): Promise<SizeAnswer | undefined> {
    const now = this.opts.nowMs ?? Date.now;
    const backoff = new Backoff(undefined, Math.random, now);
    // A count once answered is kept: a cluster that refuses concurrent requests (a conflicting webhook) gets one at a time.
    const size: ClusterSize = {};
    const known = new Set<SizeKind>();
    for (let failures = 0; !this.stopped; failures++) {
      const round = await probeClusterSize(this.opts.api, this.opts.gate, known);
      for (const kind of round.answered) known.add(kind);
      Object.assign(size, round.size);
      this.lists += round.answered.length;
      if (this.stopped) return undefined;
      if (round.refused) return { ok: false, error: round.refused };
      const [error] = round.failures;
      if (error === undefined) return { ok: true, size };
      // A server that asked for time (429, 503 with Retry-After) gets at least the longest it asked for.
      const asked = Math.max(...round.failures.map((e) => e.retryAfterMs ?? 0));
      const delays = this.opts.retryDelaysMs;
      const delay = delays ? Math.max(delays[Math.min(failures, delays.length - 1)] ?? 0, asked) : backoff.next(asked || undefined);
      this.status = { state: 'error', error, retryAtMs: now() + delay };
      for (const e of round.failures) this.opts.log?.(`asking the cluster's size: ${e.message}`);
      this.opts.onStatus();
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, delay);
        t.unref();
        this.wake = done;
        function done(): void {
          clearTimeout(t);
          resolve();
        }
      });
      this.wake = undefined;
    }
    return undefined;
  }

  /** Asks again now, skipping the wait (Refresh). */
  retryNow(): void {
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}

/** The mode for `setting` and what the cluster said of its size (nothing: a forced mode needs no probe). */
export function decideMode(setting: InventoryModeSetting, size: ClusterSize | undefined, threshold: number): InventoryScope {
  if (setting === 'namespaces') return namespacesScope('setting', WORDS.setting('namespaces'), size);
  if (setting === 'cluster') return clusterScope('setting', WORDS.setting('cluster'), size);
  const pods = size?.pods;
  const secrets = size?.secrets;
  if (pods !== undefined && pods > threshold) return namespacesScope('large', WORDS.largePods(pods, threshold), size);
  if (secrets !== undefined && secrets > threshold) return namespacesScope('large', WORDS.largeSecrets(secrets, threshold), size);
  if (pods === undefined) return clusterScope('sizeUnknown', WORDS.unknownSize(), size);
  return clusterScope('small', WORDS.small(pods, threshold), size);
}

/** The namespaces of `clusterCredentials.namespaces`, each listed on its own. */
export function configuredScope(): InventoryScope {
  return { mode: 'namespaces', why: 'configured', sentence: WORDS.sentence(WORDS.configuredMode(), WORDS.configured()), reason: WORDS.configured() };
}

/** After a refused cluster-wide list: the context's namespace only. */
export function narrowedScope(namespace: string): InventoryScope {
  return { mode: 'namespaces', why: 'forbidden', sentence: WORDS.sentence(WORDS.narrowedMode(namespace), WORDS.forbidden()), reason: WORDS.forbidden() };
}

function namespacesScope(why: InventoryScope['why'], reason: string, size: ClusterSize | undefined): InventoryScope {
  return withSize({ mode: 'namespaces', why, sentence: WORDS.sentence(WORDS.namespacesMode(), reason), reason }, size);
}

function clusterScope(why: InventoryScope['why'], reason: string, size: ClusterSize | undefined): InventoryScope {
  return withSize({ mode: 'cluster', why, sentence: WORDS.sentence(WORDS.clusterMode(), reason), reason }, size);
}

function withSize(scope: InventoryScope, size: ClusterSize | undefined): InventoryScope {
  if (size?.pods !== undefined) scope.pods = size.pods;
  if (size?.secrets !== undefined) scope.secrets = size.secrets;
  return scope;
}
