// Gathers an Evidence snapshot for one scope of the active context: pods with their projected
// token sources, terminating state and the PVCs they mount; legacy token Secrets with their
// tracking labels; token observations and 401 events from history, plus live token reads and a
// fresh 401 scan when asked; and the active context's credential. Never keeps a raw token.
import { AppsV1Api, CoreV1Api, type V1PersistentVolumeClaim, type V1Pod, type V1Secret, type V1ServiceAccount } from '@kubernetes/client-node';
import type { Evidence, EvidenceScope, KubeconfigCredentialEvidence, LegacySecretEvidence } from '../../diagnosis/evidence';
import { emptyEvidence } from '../../diagnosis/evidence';
import type { ProbeResult } from '../../diagnosis/probe';
import type { HistoryFilter, HistoryRecord, Subject, TokenObservation, UnauthorizedEvent } from '../../history/types';
import { fingerprint } from '../../token/fingerprint';
import { decodeToken } from '../../token/jwt';
import type { DecodedToken } from '../../token/types';
import type { CredentialDescription } from '../auth/credentialDescription';
import { podEvidenceOf, type WorkloadResolver } from './podEvidence';
import { listScopeReach, scanUnauthorized, type ScanSession, type UnauthorizedScanOptions } from './unauthorizedScan';
import type { LiveTokenTarget } from '../inventory/types';

export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

export interface EvidenceSession extends ScanSession {
  /** The active context's credential, described without a request. */
  describeCredential?: () => CredentialDescription;
}

/** What the collector reads from history; HistoryStore fits. */
export interface HistorySource {
  query(filter: HistoryFilter): HistoryRecord[];
}

export interface CollectOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  history?: HistorySource;
  /** Scan logs and events for 401 lines now (otherwise only those in history are used). */
  scan?: Omit<UnauthorizedScanOptions, 'now' | 'signal'>;
  /**
   * Reads a projected token file as a container sees it (the explorer's live token reader).
   * The token is decoded here and dropped; only its fingerprint and claims are kept.
   */
  readToken?: (target: LiveTokenTarget) => Promise<string | DecodedToken | undefined>;
  /** Credentials of kubeconfigs open in the editor. */
  documents?: KubeconfigCredentialEvidence[];
  probes?: ProbeResult[];
  signal?: AbortSignal;
}

export interface CollectResult {
  evidence: Evidence;
  /** Observations made by this collection, for the caller to add to history. */
  newObservations: TokenObservation[];
  /** 401 events found by this collection's scan, for the caller to add to history. */
  newUnauthorized: UnauthorizedEvent[];
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

function timeOf(v: Date | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** A live read (raw, or already decoded by the live token reader) as an observation: claims and fingerprint only. */
export function observeToken(read: string | DecodedToken, subject: Subject, at: number, source: TokenObservation['source']): TokenObservation | undefined {
  let token: DecodedToken;
  if (typeof read === 'string') {
    const decoded = decodeToken(read);
    if (!decoded.ok) return undefined;
    token = decoded.token;
  } else token = read;
  const c = token.claims;
  const o: TokenObservation = { kind: 'token', at, subject, source, fingerprint: token.fingerprint };
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
  for (const x of list) if (sameFile(x.subject, o.subject) && (!last || Math.max(x.at, x.lastAt ?? x.at) >= Math.max(last.at, last.lastAt ?? last.at))) last = x;
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
  if (d.issuedAt !== undefined) e.issuedAt = d.issuedAt;
  if (d.expiresAt !== undefined) e.expiresAt = d.expiresAt;
  else if (d.clientCertificate?.notAfter !== undefined) {
    e.expiresAt = d.clientCertificate.notAfter;
    if (d.clientCertificate.notBefore !== undefined) e.issuedAt = d.clientCertificate.notBefore;
  }
  if (d.fingerprint !== undefined) e.fingerprint = d.fingerprint;
  if (d.problem !== undefined) e.problem = d.problem;
  return e;
}

function legacySecretOf(secret: V1Secret, serviceAccounts: readonly V1ServiceAccount[], pods: readonly V1Pod[]): LegacySecretEvidence {
  const namespace = secret.metadata?.namespace ?? '';
  const name = secret.metadata?.name ?? '';
  const e: LegacySecretEvidence = { namespace, name, referencedByServiceAccount: false, mountedBy: [] };
  const sa = secret.metadata?.annotations?.[SA_NAME_ANNOTATION];
  if (sa !== undefined) e.serviceAccount = sa;
  const created = timeOf(secret.metadata?.creationTimestamp);
  if (created !== undefined) e.createdAt = created;
  const labels = secret.metadata?.labels ?? {};
  if (labels[LAST_USED_LABEL] !== undefined) e.lastUsed = labels[LAST_USED_LABEL];
  if (labels[INVALID_SINCE_LABEL] !== undefined) e.invalidSince = labels[INVALID_SINCE_LABEL];
  const account = serviceAccounts.find((s) => s.metadata?.namespace === namespace && s.metadata.name === sa);
  e.referencedByServiceAccount = (account?.secrets ?? []).some((r) => r.name === name);
  for (const p of pods) {
    if (p.metadata?.namespace !== namespace) continue;
    const mounts = (p.spec?.volumes ?? []).some((v) => v.secret?.secretName === name);
    if (mounts) e.mountedBy.push(`${namespace}/${p.metadata.name ?? ''}`);
  }
  const data = secret.data?.token;
  if (data !== undefined) e.fingerprint = fingerprint(Buffer.from(data, 'base64').toString('utf8'));
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

async function listLegacySecrets(core: CoreV1Api, scope: EvidenceScope): Promise<{ secrets: V1Secret[]; serviceAccounts: V1ServiceAccount[] }> {
  const fieldSelector = 'type=kubernetes.io/service-account-token';
  if (scope.kind === 'context') {
    const [secrets, serviceAccounts] = await Promise.all([core.listSecretForAllNamespaces({ fieldSelector }), core.listServiceAccountForAllNamespaces()]);
    return { secrets: secrets.items, serviceAccounts: serviceAccounts.items };
  }
  const namespace = scope.namespace;
  const [secrets, serviceAccounts] = await Promise.all([core.listNamespacedSecret({ namespace, fieldSelector }), core.listNamespacedServiceAccount({ namespace })]);
  return { secrets: secrets.items, serviceAccounts: serviceAccounts.items };
}

async function listClaims(core: CoreV1Api, pods: readonly V1Pod[]): Promise<V1PersistentVolumeClaim[]> {
  const namespaces = new Set<string>();
  for (const p of pods) if ((p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim !== undefined)) namespaces.add(p.metadata?.namespace ?? '');
  const out: V1PersistentVolumeClaim[] = [];
  for (const namespace of namespaces) out.push(...(await core.listNamespacedPersistentVolumeClaim({ namespace })).items);
  return out;
}

/** Collects the evidence of `scope`. What the cluster refuses becomes a sentence in `problems`. */
export async function collectEvidence(session: EvidenceSession, scope: EvidenceScope, opts: CollectOptions): Promise<CollectResult> {
  const now = opts.now;
  const evidence = emptyEvidence(session.context, now(), scope);
  const core = session.api.makeApiClient(CoreV1Api);
  const apps = session.api.makeApiClient(AppsV1Api);
  const problem = (about: string, err: unknown): void => {
    evidence.problems.push(`${about}: ${session.api.classify(err).message}`);
  };

  // A context-wide scope may come down to namespaces (configured, or the context's on 403); Secrets follow the pods.
  const { pods, scopes, problems } = await listScopeReach(session, scope);
  evidence.problems.push(...problems);
  let claims: V1PersistentVolumeClaim[] = [];
  try {
    claims = await listClaims(core, pods);
  } catch (err) {
    problem('listing PersistentVolumeClaims', err);
  }
  const workloads: WorkloadResolver = new Map();
  for (const pod of pods) evidence.pods.push(await podEvidenceOf(pod, claims, apps, workloads));

  // History first, then what this collection sees.
  const records = opts.history?.query(historyFilter(session.context, scope)) ?? [];
  for (const r of records) {
    if (r.kind === 'token') evidence.observations.push(r);
    else evidence.unauthorized.push(r);
  }

  const newObservations: TokenObservation[] = [];
  if (opts.readToken) {
    for (const pod of evidence.pods) {
      if (pod.phase !== 'Running') continue;
      for (const source of pod.tokenSources) {
        if (opts.signal?.aborted) break;
        const container = source.containers[0];
        if (container === undefined) continue;
        try {
          const raw = await opts.readToken({ namespace: pod.namespace, pod: pod.name, podUid: pod.uid, container, path: source.path });
          if (raw === undefined) continue;
          const subject: Subject = { context: session.context, namespace: pod.namespace, pod: pod.name, podUid: pod.uid, serviceAccount: pod.serviceAccount, container, path: source.path };
          const o = observeToken(raw, subject, now(), 'liveRead');
          if (o) {
            newObservations.push({ ...o, subject: { ...o.subject } });
            mergeObservation(evidence.observations, o);
          }
        } catch (err) {
          problem(`reading ${source.path} in ${pod.namespace}/${pod.name}`, err);
        }
      }
    }
  }

  let newUnauthorized: UnauthorizedEvent[] = [];
  if (opts.scan && !opts.signal?.aborted) {
    const scanned = await scanUnauthorized(session, scope, { ...opts.scan, now, ...(opts.signal ? { signal: opts.signal } : {}) });
    evidence.problems.push(...scanned.problems.filter((p) => !evidence.problems.includes(p)));
    const known = new Set(evidence.unauthorized.map(unauthorizedKey));
    newUnauthorized = scanned.events.filter((e) => !known.has(unauthorizedKey(e)));
    evidence.unauthorized.push(...newUnauthorized);
    evidence.successes.push(...scanned.successes);
  }
  evidence.observations.sort((a, b) => a.at - b.at);
  evidence.unauthorized.sort((a, b) => a.at - b.at);

  const podAccounts = new Set(evidence.pods.map((p) => p.serviceAccount));
  for (const s of scopes) {
    try {
      const { secrets, serviceAccounts } = await listLegacySecrets(core, s);
      for (const secret of secrets) {
        const e = legacySecretOf(secret, serviceAccounts, pods);
        if (inScope(scope, e.namespace, e.serviceAccount, podAccounts)) evidence.legacySecrets.push(e);
      }
    } catch (err) {
      problem(s !== scope && s.kind === 'namespace' ? `listing service-account token Secrets in namespace ${s.namespace}` : 'listing service-account token Secrets', err);
    }
  }

  if (session.describeCredential) evidence.kubeconfigCredentials.push(credentialEvidence(session.describeCredential()));
  evidence.kubeconfigCredentials.push(...(opts.documents ?? []));
  evidence.probes.push(...(opts.probes ?? []));
  return { evidence, newObservations, newUnauthorized };
}
