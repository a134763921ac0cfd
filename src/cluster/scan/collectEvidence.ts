// Gathers an Evidence snapshot for one scope of the active context. Pods (token sources, terminating
// state, owner), service accounts and legacy token Secrets (with their tracking labels) come from the
// session's inventory, never from a list made here; the PVCs of a pod whose token refresh looks stalled
// and a ReplicaSet's Deployment its name does not tell are read with a get. Then token observations and
// 401 events from history, live token reads and a fresh 401 scan (over the inventory's pods) when asked,
// and the active context's credential. Never keeps a raw token.
import type { Evidence, EvidenceScope, KubeconfigCredentialEvidence, LegacySecretEvidence } from '../../diagnosis/evidence';
import { emptyEvidence } from '../../diagnosis/evidence';
import type { ProbeResult } from '../../diagnosis/probe';
import { stalledPodUids } from '../../diagnosis/rules/refreshStalled';
import type { HistoryFilter, HistoryRecord, Subject, TokenObservation, UnauthorizedEvent } from '../../history/types';
import { decodeToken } from '../../token/jwt';
import type { DecodedToken } from '../../token/types';
import type { CredentialDescription } from '../auth/credentialDescription';
import { viewOfScope, type InventoryView, type ScopeView } from '../inventory/scopeView';
import type { LegacySecretItem, LiveTokenTarget, PodItem, ServiceAccountItem } from '../inventory/types';
import { ClaimCache, claimsOf, podEvidenceOf, scanPodOf, type ClaimLookup, type ClaimState, type WorkloadResolver } from './podEvidence';
import { scanUnauthorized, type ScanSession, type ScopeReach, type UnauthorizedScanOptions, type UnreadPod } from './unauthorizedScan';

export interface EvidenceSession extends ScanSession {
  /** The active context's credential, described without a request. */
  describeCredential?: () => CredentialDescription;
  /** The session's inventory: the one reader of pods, service accounts and legacy token Secrets. */
  readonly inventory: InventoryView;
}

/** What the collector reads from history; HistoryStore fits. */
export interface HistorySource {
  query(filter: HistoryFilter): HistoryRecord[];
}

export interface CollectOptions {
  /** Milliseconds since the epoch. */
  nowMs: () => number;
  history?: HistorySource;
  /** Scan logs and events for 401 lines now (otherwise only those in history are used). */
  scan?: Omit<UnauthorizedScanOptions, 'nowMs' | 'signal'>;
  /**
   * Reads a projected token file as a container sees it (the explorer's live token reader).
   * The token is decoded here and dropped; only its fingerprint and claims are kept.
   */
  readToken?: (target: LiveTokenTarget) => Promise<string | DecodedToken | undefined>;
  /** Credentials of kubeconfigs open in the editor. */
  documents?: KubeconfigCredentialEvidence[];
  probes?: ProbeResult[];
  /** A ReplicaSet's Deployment, kept across collections of one session (one get per ReplicaSet). */
  workloads?: WorkloadResolver;
  /** The PVCs read for stalled pods, kept across collections of one session. */
  claims?: ClaimCache;
  signal?: AbortSignal;
}

export interface CollectResult {
  evidence: Evidence;
  /** Observations made by this collection, for the caller to add to history. */
  newObservations: TokenObservation[];
  /** 401 events found by this collection's scan, for the caller to add to history. */
  newUnauthorized: UnauthorizedEvent[];
  /** With a scan: how many pods it covered and the ones whose logs it could not read. */
  scanned?: { pods: number; unread: UnreadPod[] };
}

function historyFilter(context: string, scope: EvidenceScope): HistoryFilter {
  switch (scope.kind) {
    case 'context':
      return { context };
    case 'namespace':
      return { context, namespace: scope.namespace };
    case 'pod':
      return { context, namespace: scope.namespace, pod: scope.name };
    case 'serviceAccount':
      return { context, namespace: scope.namespace, serviceAccount: scope.name };
  }
}

/** A live read (raw, or already decoded by the live token reader) as an observation: claims and fingerprint only. */
export function observeToken(read: string | DecodedToken, subject: Subject, atMs: number, source: TokenObservation['source']): TokenObservation | undefined {
  let token: DecodedToken;
  if (typeof read === 'string') {
    const decoded = decodeToken(read);
    if (!decoded.ok) return undefined;
    token = decoded.token;
  } else token = read;
  const c = token.claims;
  const o: TokenObservation = { kind: 'token', at: atMs, subject, source, fingerprint: token.fingerprint };
  if (c.iat !== undefined) o.iat = c.iat;
  if (c.exp !== undefined) o.exp = c.exp;
  if (c.kubernetes?.warnAfter !== undefined) o.warnAfter = c.kubernetes.warnAfter;
  if (c.jti !== undefined) o.jti = c.jti;
  return o;
}

function sameFile(a: Subject, b: Subject): boolean {
  return a.namespace === b.namespace && a.pod === b.pod && a.podUid === b.podUid && a.path === b.path;
}

/** Adds a fresh observation, extending the last one of the same file when the token is unchanged. */
function mergeObservation(list: TokenObservation[], o: TokenObservation): void {
  let last: TokenObservation | undefined;
  for (const x of list)
    if (sameFile(x.subject, o.subject) && (!last || Math.max(x.at, x.lastAt ?? x.at) >= Math.max(last.at, last.lastAt ?? last.at))) last = x;
  if (last && last.fingerprint === o.fingerprint) {
    last.lastAt = Math.max(last.lastAt ?? last.at, o.at);
    return;
  }
  list.push(o);
}

function unauthorizedKey(e: UnauthorizedEvent): string {
  return `${e.at}\u0000${e.source}\u0000${e.subject.namespace ?? ''}/${e.subject.pod ?? ''}/${e.subject.container ?? ''}\u0000${e.line}`;
}

/** The active context's credential as evidence. */
export function credentialEvidence(d: CredentialDescription): KubeconfigCredentialEvidence {
  const kind: KubeconfigCredentialEvidence['kind'] =
    d.kind === 'basicAuth' || d.kind === 'none' ? 'other' : d.kind === 'clientCertificate' ? 'clientCertificate' : d.kind;
  const e: KubeconfigCredentialEvidence = { origin: 'activeContext', context: d.context, kind };
  if (d.user !== undefined) e.user = d.user;
  if (d.tokenFile !== undefined) e.file = d.tokenFile;
  if (d.issuedAtSec !== undefined) e.issuedAt = d.issuedAtSec;
  if (d.expiresAtSec !== undefined) e.expiresAt = d.expiresAtSec;
  else if (d.clientCertificate?.notAfterSec !== undefined) {
    e.expiresAt = d.clientCertificate.notAfterSec;
    if (d.clientCertificate.notBeforeSec !== undefined) e.issuedAt = d.clientCertificate.notBeforeSec;
  }
  if (d.fingerprint !== undefined) e.fingerprint = d.fingerprint;
  if (d.problem !== undefined) e.problem = d.problem;
  return e;
}

function legacySecretOf(secret: LegacySecretItem, serviceAccounts: readonly ServiceAccountItem[], pods: readonly PodItem[]): LegacySecretEvidence {
  const { namespace, name } = secret;
  const e: LegacySecretEvidence = { namespace, name, referencedByServiceAccount: false, mountedBy: [] };
  const sa = secret.serviceAccount !== '' ? secret.serviceAccount : undefined;
  if (sa !== undefined) e.serviceAccount = sa;
  if (secret.createdAtSec !== undefined) e.createdAtMs = secret.createdAtSec * 1000;
  if (secret.lastUsed !== undefined) e.lastUsed = secret.lastUsed;
  if (secret.invalidSince !== undefined) e.invalidSince = secret.invalidSince;
  const account = serviceAccounts.find((s) => s.namespace === namespace && s.name === sa);
  e.referencedByServiceAccount = account?.secrets.includes(name) ?? false;
  for (const p of pods) if (p.namespace === namespace && p.secretVolumes.includes(name)) e.mountedBy.push(`${namespace}/${p.name}`);
  if (secret.fingerprint !== undefined) e.fingerprint = secret.fingerprint;
  return e;
}

function inScope(scope: EvidenceScope, namespace: string, serviceAccount: string | undefined, podServiceAccounts: ReadonlySet<string>): boolean {
  switch (scope.kind) {
    case 'context':
      return true;
    case 'namespace':
      return namespace === scope.namespace;
    case 'serviceAccount':
      return namespace === scope.namespace && serviceAccount === scope.name;
    case 'pod':
      return namespace === scope.namespace && serviceAccount !== undefined && podServiceAccounts.has(serviceAccount);
  }
}

/** Where the scanner finds a scope's pods: the inventory, with the namespaces a context-wide look came down to. */
function reachOf(view: ScopeView, scope: EvidenceScope): ScopeReach {
  const scopes: EvidenceScope[] = view.namespaces ? view.namespaces.map((namespace) => ({ kind: 'namespace', namespace })) : [scope];
  return { pods: view.pods.map(scanPodOf), scopes, problems: view.problems };
}

const NO_CLAIMS: ClaimLookup = new Map<string, ClaimState>();

/**
 * A PVC is evidence only of a stalled token refresh (a Terminating one is its cause): the PVCs of those pods are
 * read, on demand, and of no other pod, so that a healthy cluster costs no get on each diagnosis.
 */
async function readStalledClaims(session: EvidenceSession, evidence: Evidence, pods: readonly PodItem[], cache: ClaimCache, nowMs: number): Promise<void> {
  const stalled = stalledPodUids(evidence);
  const needing = pods.filter((p) => stalled.has(p.uid) && p.claims.length > 0);
  if (needing.length === 0) return;
  const lookup = await cache.read(session.api, needing, nowMs, (p) => evidence.problems.push(p));
  const byUid = new Map(needing.map((p) => [p.uid, p]));
  for (const e of evidence.pods) {
    const pod = byUid.get(e.uid);
    if (pod) e.claims = claimsOf(pod, lookup);
  }
}

/** Forgets the Deployments of ReplicaSets that own no pod any more (after a rollout). */
function pruneWorkloads(workloads: WorkloadResolver, pods: readonly PodItem[]): void {
  const owners = new Set(pods.flatMap((p) => (p.owner?.kind === 'ReplicaSet' ? [`${p.namespace}/${p.owner.name}`] : [])));
  for (const key of [...workloads.keys()]) if (!owners.has(key)) workloads.delete(key);
}

/** Collects the evidence of `scope`. What the cluster refuses becomes a sentence in `problems`. */
export async function collectEvidence(session: EvidenceSession, scope: EvidenceScope, opts: CollectOptions): Promise<CollectResult> {
  const now = opts.nowMs;
  const evidence = emptyEvidence(session.context, now(), scope);
  const problem = (about: string, err: unknown): void => {
    evidence.problems.push(`${about}: ${session.api.classify(err).message}`);
  };

  // A context-wide scope may come down to namespaces (configured, or the context's on 403); Secrets follow the pods.
  const snapshot = session.inventory.snapshot();
  const fallbackReason = session.inventory.fallbackReason;
  const view = viewOfScope(snapshot, fallbackReason, scope);
  evidence.problems.push(...view.problems);
  const claimCache = opts.claims ?? new ClaimCache();
  const workloads: WorkloadResolver = opts.workloads ?? new Map<string, { kind: 'Deployment'; name: string } | null>();
  if (scope.kind === 'context') pruneWorkloads(workloads, view.pods);
  // PVCs only as far as they were read already; those of stalled pods are read below, once the observations are in.
  for (const pod of view.pods) evidence.pods.push(await podEvidenceOf(pod, claimCache.get(pod, now()) ?? NO_CLAIMS, session.api, workloads));

  // History first, then what this collection sees.
  const records = opts.history?.query(historyFilter(session.context, scope)) ?? [];
  for (const r of records) {
    if (r.kind === 'token') evidence.observations.push(r);
    else if (r.kind === 'unauthorized') evidence.unauthorized.push(r);
  }

  const newObservations: TokenObservation[] = [];
  const readToken = opts.readToken;
  if (readToken && !opts.signal?.aborted) {
    // All at once: the reader (the session's live tokens) bounds the concurrency; results are merged in pod order.
    const targets = evidence.pods.flatMap((pod) =>
      pod.phase !== 'Running'
        ? []
        : pod.tokenSources.flatMap((source) => (source.containers[0] === undefined ? [] : [{ pod, source, container: source.containers[0] }])),
    );
    const reads = await Promise.all(
      targets.map(async ({ pod, source, container }) => {
        try {
          return { raw: await readToken({ namespace: pod.namespace, pod: pod.name, podUid: pod.uid, container, path: source.path }) };
        } catch (err) {
          return { err };
        }
      }),
    );
    targets.forEach(({ pod, source, container }, i) => {
      const read = reads[i];
      if (read === undefined) return;
      if ('err' in read) {
        problem(`reading ${source.path} in ${pod.namespace}/${pod.name}`, read.err);
        return;
      }
      if (read.raw === undefined) return;
      const subject: Subject = {
        context: session.context,
        namespace: pod.namespace,
        pod: pod.name,
        podUid: pod.uid,
        serviceAccount: pod.serviceAccount,
        container,
        path: source.path,
      };
      const o = observeToken(read.raw, subject, now(), 'liveRead');
      if (o) {
        newObservations.push({ ...o, subject: { ...o.subject } });
        mergeObservation(evidence.observations, o);
      }
    });
  }

  let newUnauthorized: UnauthorizedEvent[] = [];
  let scannedPods: CollectResult['scanned'];
  if (opts.scan && !opts.signal?.aborted) {
    // The scan reaches the scope this collection already viewed.
    const reach = (): ScopeReach => reachOf(view, scope);
    const scanned = await scanUnauthorized({ ...session, reach }, scope, { ...opts.scan, nowMs: now, ...(opts.signal ? { signal: opts.signal } : {}) });
    evidence.problems.push(...scanned.problems.filter((p) => !evidence.problems.includes(p)));
    scannedPods = { pods: scanned.scanned.pods, unread: scanned.unread };
    const known = new Set(evidence.unauthorized.map(unauthorizedKey));
    newUnauthorized = scanned.events.filter((e) => !known.has(unauthorizedKey(e)));
    evidence.unauthorized.push(...newUnauthorized);
    evidence.successes.push(...scanned.successes);
  }
  evidence.observations.sort((a, b) => a.at - b.at);
  evidence.unauthorized.sort((a, b) => a.at - b.at);
  await readStalledClaims(session, evidence, view.pods, claimCache, now());

  const podAccounts = new Set(evidence.pods.map((p) => p.serviceAccount));
  for (const secret of view.secrets) {
    const e = legacySecretOf(secret, view.serviceAccounts, snapshot.pods);
    if (inScope(scope, e.namespace, e.serviceAccount, podAccounts)) evidence.legacySecrets.push(e);
  }

  if (session.describeCredential) evidence.kubeconfigCredentials.push(credentialEvidence(session.describeCredential()));
  evidence.kubeconfigCredentials.push(...(opts.documents ?? []));
  evidence.probes.push(...(opts.probes ?? []));
  return { evidence, newObservations, newUnauthorized, ...(scannedPods ? { scanned: scannedPods } : {}) };
}
