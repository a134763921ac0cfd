// What the inventory could not read, each cause told once: a cause of the whole session (a rejected credential,
// an unreachable server, a failed TLS handshake) fails every list alike and is one line; a cause of its own
// (a 403 on one kind) stays with its list. The explorer (its context, namespaces and Findings) reads this
// instead of walking the list statuses itself.
import { concernsSession } from '../errorAdvice';
import type { ClusterError, ClusterErrorKind } from '../errors';
import type { InventorySnapshot, ResourceKind } from './types';

export interface ListFailure {
  kind: ResourceKind;
  /** `*` for the cluster-wide list, or its namespace. */
  scope: string;
  error: ClusterError;
  /** Milliseconds since the epoch of the list's next retry. */
  retryAtMs?: number;
}

export interface SessionFailure {
  /** The cause, from the list that says most about it (a 401 before a TLS failure before an unreachable server). */
  error: ClusterError;
  /** The soonest retry of the lists it stopped. */
  retryAtMs?: number;
  /** Every list it stopped. */
  lists: ListFailure[];
}

export interface InventoryCoverage {
  session?: SessionFailure;
  /** Lists that failed for a cause of their own (a 403, a 404, a 500), one each. */
  gaps: readonly ListFailure[];
  /** Listing across the cluster was refused, so only these namespaces are read. */
  narrowed?: { namespaces: string[]; error: ClusterError };
}

const KINDS: readonly ResourceKind[] = ['namespaces', 'serviceaccounts', 'pods', 'secrets'];

/** How a list's objects are called in a sentence. */
export const KIND_WORDS: Readonly<Record<ResourceKind, string>> = {
  namespaces: 'namespaces',
  serviceaccounts: 'service accounts',
  pods: 'pods',
  secrets: 'token Secrets',
};

// Which session cause explains most: a rejected credential is the user's to fix, a TLS failure the kubeconfig's.
const SESSION_RANK: Partial<Record<ClusterErrorKind, number>> = { unauthorized: 3, tls: 2, unreachable: 1 };

export function inventoryCoverage(snapshot: InventorySnapshot, fallbackReason?: ClusterError): InventoryCoverage {
  const failures: ListFailure[] = [];
  for (const kind of KINDS) {
    for (const [scope, status] of snapshot.status[kind]) {
      if (status.state !== 'error' || !status.error) continue;
      // After a refused cluster-wide list the namespaces come from the context: that refusal is the narrowing.
      if (kind === 'namespaces' && fallbackReason) continue;
      failures.push({ kind, scope, error: status.error, ...(status.retryAtMs !== undefined ? { retryAtMs: status.retryAtMs } : {}) });
    }
  }
  const coverage: InventoryCoverage = { gaps: failures.filter((f) => !concernsSession(f.error)) };
  const stopped = failures.filter((f) => concernsSession(f.error));
  if (stopped.length > 0) {
    const worst = stopped.reduce((a, b) => ((SESSION_RANK[b.error.kind] ?? 0) > (SESSION_RANK[a.error.kind] ?? 0) ? b : a));
    const retries = stopped.flatMap((f) => (f.retryAtMs !== undefined ? [f.retryAtMs] : []));
    coverage.session = { error: worst.error, lists: stopped, ...(retries.length > 0 ? { retryAtMs: Math.min(...retries) } : {}) };
  }
  if (fallbackReason && snapshot.namespacesFixed) {
    coverage.narrowed = { namespaces: snapshot.namespaces.map((n) => n.name), error: fallbackReason };
  }
  return coverage;
}

/** True when every list answered: nothing was hidden from the user. */
export function isComplete(coverage: InventoryCoverage): boolean {
  return coverage.session === undefined && coverage.gaps.length === 0 && coverage.narrowed === undefined;
}

/** The failures of one scope, for a namespace node: its own lists and the cluster-wide ones that cover it. */
export function gapsOf(coverage: InventoryCoverage, namespace: string): ListFailure[] {
  return coverage.gaps.filter((g) => g.scope === namespace || (g.scope === '*' && g.kind !== 'namespaces'));
}

/**
 * What the user cannot see, in words with the verbs missing, one phrase per scope and cause: "cannot list service
 * accounts, pods and token Secrets in namespace ui-demo: forbidden (missing list on serviceaccounts, pods,
 * secrets)". Empty when every list answered; the session's own cause is told by its error's sentence.
 */
export function unreadablePhrases(coverage: Pick<InventoryCoverage, 'gaps' | 'narrowed'>): string[] {
  const parts: string[] = [];
  if (coverage.narrowed) parts.push(narrowedSentence(coverage.narrowed.namespaces, coverage.narrowed.error));
  for (const group of groups(coverage.gaps))
    parts.push(`cannot ${group.verb} ${and(group.kinds.map((k) => KIND_WORDS[k]))} ${where(group.scope, 'long')}: ${group.cause}`);
  return parts;
}

/** The same, short enough for a tree description: "cannot list service accounts, pods, token Secrets in ui-demo". */
export function unreadableBrief(coverage: InventoryCoverage): string | undefined {
  const phrases = groups(coverage.gaps).map((g) => `cannot ${g.verb} ${g.kinds.map((k) => KIND_WORDS[k]).join(', ')} ${where(g.scope, 'short')}`);
  if (phrases.length === 0) return coverage.narrowed ? `only namespace ${coverage.narrowed.namespaces.join(', ')}` : undefined;
  return phrases.length === 1 ? phrases[0] : `${phrases[0]} (+${phrases.length - 1} more)`;
}

/** The session's cause in a few words ("API server unreachable"), for a description. */
export function sessionBrief(error: ClusterError): string {
  switch (error.kind) {
    case 'unauthorized':
      return error.credentialProblem === 'unavailable' ? 'no credential could be made' : 'credential rejected (401)';
    case 'tls':
      return 'TLS connection failed';
    default:
      return 'API server unreachable';
  }
}

interface Group {
  scope: string;
  verb: string;
  kinds: ResourceKind[];
  cause: string;
}

/** Failures of one scope and one cause together, in the order of their kinds. */
function groups(gaps: readonly ListFailure[]): Group[] {
  const out = new Map<string, Group & { missing: Map<string, string[]> }>();
  for (const g of gaps) {
    const forbidden = g.error.kind === 'forbidden';
    const cause = forbidden ? 'forbidden' : shortCause(g.error);
    const verb = forbidden ? (g.error.verb ?? 'list') : 'list';
    const key = `${g.scope}\u0000${verb}\u0000${cause}`;
    const group = out.get(key) ?? { scope: g.scope, verb, kinds: [], cause, missing: new Map<string, string[]>() };
    group.kinds.push(g.kind);
    if (forbidden) {
      const resources = group.missing.get(verb) ?? [];
      const resource = g.error.resource ?? g.kind;
      if (!resources.includes(resource)) resources.push(resource);
      group.missing.set(verb, resources);
    }
    out.set(key, group);
  }
  return [...out.values()].map(({ missing, ...g }) =>
    missing.size > 0 ? { ...g, cause: `forbidden (missing ${[...missing].map(([v, rs]) => `${v} on ${rs.join(', ')}`).join('; ')})` } : g,
  );
}

function shortCause(error: ClusterError): string {
  const status = error.status !== undefined ? ` (${error.status})` : '';
  switch (error.kind) {
    case 'notFound':
      return `not served by this cluster${status}`;
    case 'server':
      return `the cluster failed to answer${status}`;
    case 'invalid':
      return `rejected as invalid${status}`;
    case 'conflict':
      return `the list changed under it${status}`;
    default:
      return `failed${status}`;
  }
}

function narrowedSentence(namespaces: readonly string[], error: ClusterError): string {
  const missing = error.verb && error.resource ? ` (missing ${error.verb} on ${error.resource} across the cluster)` : '';
  const which = namespaces.length === 1 ? `namespace ${namespaces[0]}` : `namespaces ${namespaces.join(', ')}`;
  return `only ${which} is read: listing across the cluster is forbidden${missing}`;
}

function where(scope: string, style: 'long' | 'short'): string {
  if (scope === '*') return 'across the cluster';
  return style === 'long' ? `in namespace ${scope}` : `in ${scope}`;
}

function and(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
