// Turns the JSON of a list page or a watch event into the small projections the explorer keeps.
// Reads only the fields it needs, defensively: anything missing or of the wrong type is left out.
// Names that repeat across objects go through the inventory's intern pool, empty lists are one shared
// frozen array, and nothing of the parsed object is kept: a projection is all that stays of it.
import { fingerprint } from '../../token/fingerprint';
import { decodeToken } from '../../token/jwt';
import { AS_IS, type Interner } from './internPool';
import type {
  ContainerStatusItem,
  ContainerTokens,
  LegacySecretItem,
  NamespaceItem,
  OwnerInfo,
  PodClaimRef,
  PodItem,
  ProjectedTokenMount,
  ServiceAccountItem,
} from './types';

type Rec = Record<string, unknown>;

/** The one empty list every projection shares (most pods have no claims, Secret volumes or ephemeral containers). */
const NONE: readonly never[] = Object.freeze([]);

function orNone<T>(items: readonly T[]): readonly T[] {
  return items.length === 0 ? NONE : items;
}

const LEGACY_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
/** The kubelet's default when a projection leaves out expirationSeconds. */
const DEFAULT_EXPIRATION_SECONDS = 3600;

function rec(v: unknown): Rec | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
}

function list(v: unknown): Rec[] {
  return Array.isArray(v) ? v.flatMap((x) => (rec(x) ? [x as Rec] : [])) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A non-empty string from the pool, as a list of zero or one for flatMap. */
function interned(v: unknown, pool: Interner): string[] {
  const s = str(v);
  return s ? [pool.of(s)] : [];
}

/** An RFC 3339 time as seconds since the epoch. */
function seconds(v: unknown): number | undefined {
  const text = str(v);
  const ms = text ? Date.parse(text) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

export interface ObjectKey {
  namespace: string;
  name: string;
  uid: string;
}

/** Identity of any object: namespace (empty for cluster-scoped), name, uid. */
export function keyOf(obj: unknown): ObjectKey | undefined {
  const meta = rec(rec(obj)?.metadata);
  const name = str(meta?.name);
  if (!meta || !name) return undefined;
  return { namespace: str(meta.namespace) ?? '', name, uid: str(meta.uid) ?? '' };
}

export function projectNamespace(obj: unknown, pool: Interner = AS_IS): NamespaceItem | undefined {
  const key = keyOf(obj);
  if (!key) return undefined;
  const phase = str(rec(rec(obj)?.status)?.phase);
  const name = pool.of(key.name);
  return phase ? { name, phase: pool.of(phase) } : { name };
}

export function projectServiceAccount(obj: unknown, pool: Interner = AS_IS): ServiceAccountItem | undefined {
  const key = keyOf(obj);
  if (!key) return undefined;
  const secrets = orNone(list(rec(obj)?.secrets).flatMap((r) => str(r.name) ?? []));
  // A pod names its service account: the pool shares that name with every pod running as it.
  return { namespace: pool.of(key.namespace), name: pool.of(key.name), uid: key.uid, secrets };
}

export function projectPod(obj: unknown, pool: Interner = AS_IS): PodItem | undefined {
  const key = keyOf(obj);
  const o = rec(obj);
  if (!key || !o) return undefined;
  const meta = rec(o.metadata) ?? {};
  const spec = rec(o.spec) ?? {};
  const status = rec(o.status) ?? {};
  const volumes = list(spec.volumes);
  const pod: PodItem = {
    namespace: pool.of(key.namespace),
    name: key.name,
    uid: key.uid,
    serviceAccount: pool.of(str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default'),
    phase: pool.of(str(status.phase) ?? 'Unknown'),
    deleting: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    containers: containerTokens(spec, volumes, pool),
    ephemeralContainers: orNone(list(spec.ephemeralContainers).flatMap((c) => interned(c.name, pool))),
    statuses: containerStatuses(status, pool),
    claims: orNone(
      volumes.flatMap((v): PodClaimRef[] => {
        const volume = str(v.name);
        const claimName = str(rec(v.persistentVolumeClaim)?.claimName);
        return volume && claimName ? [{ volume: pool.of(volume), claimName: pool.of(claimName) }] : [];
      }),
    ),
    secretVolumes: orNone(volumes.flatMap((v) => interned(rec(v.secret)?.secretName, pool))),
  };
  const nodeName = str(spec.nodeName);
  if (nodeName) pod.nodeName = pool.of(nodeName);
  const ips = list(status.podIPs).flatMap((r) => str(r.ip) ?? []);
  const podIP = str(status.podIP);
  if (ips.length === 0 && podIP) ips.push(podIP);
  if (ips.length > 0) pod.podIPs = ips;
  const startedAt = seconds(status.startTime);
  if (startedAt !== undefined) pod.startedAtSec = startedAt;
  const deletingSince = seconds(meta.deletionTimestamp);
  if (deletingSince !== undefined) pod.deletingSinceSec = deletingSince;
  const owner = controllerOf(meta, pool);
  if (owner) pod.owner = owner;
  const workload = owner ? workloadOf(owner, str(rec(meta.labels)?.['pod-template-hash']), pool) : undefined;
  if (workload) pod.workload = workload;
  return pod;
}

/** A Deployment's ReplicaSet is named `<deployment>-<pod-template-hash>`. */
function workloadOf(owner: OwnerInfo, templateHash: string | undefined, pool: Interner): OwnerInfo | undefined {
  if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return owner;
  if (owner.kind === 'ReplicaSet' && templateHash && owner.name.endsWith(`-${templateHash}`)) {
    const name = owner.name.slice(0, -templateHash.length - 1);
    return pool.shared(`owner\u0000Deployment\u0000${name}`, () => ({ kind: pool.of('Deployment'), name: pool.of(name) }));
  }
  return undefined;
}

function controllerOf(meta: Rec, pool: Interner): OwnerInfo | undefined {
  const refs = list(meta.ownerReferences);
  const ctrl = refs.find((r) => r.controller === true) ?? refs[0];
  const kind = str(ctrl?.kind);
  const name = str(ctrl?.name);
  // The replicas of one ReplicaSet share one owner.
  return kind && name ? pool.shared(`owner\u0000${kind}\u0000${name}`, () => ({ kind: pool.of(kind), name: pool.of(name) })) : undefined;
}

function containerStatuses(status: Rec, pool: Interner): readonly ContainerStatusItem[] {
  const of = (field: string, kind: ContainerStatusItem['kind']): ContainerStatusItem[] =>
    list(status[field]).flatMap((s) => {
      const name = str(s.name);
      if (!name) return [];
      const item: ContainerStatusItem = {
        name: pool.of(name),
        kind,
        restartCount: typeof s.restartCount === 'number' ? s.restartCount : 0,
        ready: s.ready === true,
      };
      const exitCode = rec(rec(s.lastState)?.terminated)?.exitCode;
      if (typeof exitCode === 'number') item.lastExitCode = exitCode;
      return [item];
    });
  const items = [...of('initContainerStatuses', 'init'), ...of('containerStatuses', 'app'), ...of('ephemeralContainerStatuses', 'ephemeral')];
  if (items.length === 0) return NONE;
  // The healthy replicas of a workload have the same statuses: one list for all of them.
  const key = items.map((i) => `${i.kind}\u0000${i.name}\u0000${i.restartCount}\u0000${i.ready ? 1 : 0}\u0000${i.lastExitCode ?? ''}`).join('\u0001');
  return pool.shared(`statuses\u0000${key}`, () => items.map((i) => Object.freeze(i)));
}

/** Each container's projected token files, at the path that container mounts them. */
function containerTokens(spec: Rec, volumes: readonly Rec[], pool: Interner): readonly ContainerTokens[] {
  const sources = new Map<string, { path: string; audience?: string; expirationSeconds: number }[]>();
  for (const v of volumes) {
    const name = str(v.name);
    const projected = rec(v.projected);
    if (!name || !projected) continue;
    const tokens = list(projected.sources).flatMap((s) => {
      const t = rec(s.serviceAccountToken);
      const path = str(t?.path);
      if (!t || !path) return [];
      const seconds = typeof t.expirationSeconds === 'number' ? t.expirationSeconds : DEFAULT_EXPIRATION_SECONDS;
      const audience = str(t.audience);
      return [audience ? { path, audience: pool.of(audience), expirationSeconds: seconds } : { path, expirationSeconds: seconds }];
    });
    if (tokens.length > 0) sources.set(name, tokens);
  }
  const out: ContainerTokens[] = [];
  for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
    const name = str(c.name);
    if (!name) continue;
    const tokens: ProjectedTokenMount[] = [];
    for (const m of list(c.volumeMounts)) {
      const volume = str(m.name);
      const mountPath = str(m.mountPath);
      const found = volume ? sources.get(volume) : undefined;
      if (!volume || !mountPath || !found) continue;
      const base = mountPath.replace(/\/+$/, '');
      // The kube-api-access volume's name differs in every pod; the path it mounts at does not.
      for (const t of found) tokens.push({ volume, ...t, path: pool.of(`${base}/${t.path}`) });
    }
    out.push({ name: pool.of(name), tokens: orNone(tokens) });
  }
  return orNone(out);
}

/**
 * A legacy token Secret, decoded. The raw token exists only inside this call; `onToken` (a signature
 * check) receives it here and must not keep it.
 */
export function projectLegacySecret(
  obj: unknown,
  onToken?: (raw: string, item: LegacySecretItem) => void,
  pool: Interner = AS_IS,
): LegacySecretItem | undefined {
  const key = keyOf(obj);
  const o = rec(obj);
  if (!key || !o || o.type !== LEGACY_TOKEN_TYPE) return undefined;
  const meta = rec(o.metadata) ?? {};
  const annotations = rec(meta.annotations) ?? {};
  const labels = rec(meta.labels) ?? {};
  const item: LegacySecretItem = {
    namespace: pool.of(key.namespace),
    name: key.name,
    uid: key.uid,
    serviceAccount: pool.of(str(annotations[SA_NAME_ANNOTATION]) ?? ''),
  };
  const createdAt = seconds(meta.creationTimestamp);
  if (createdAt !== undefined) item.createdAtSec = createdAt;
  const lastUsed = str(labels[LAST_USED_LABEL]);
  if (lastUsed) item.lastUsed = lastUsed;
  const invalidSince = str(labels[INVALID_SINCE_LABEL]);
  if (invalidSince) item.invalidSince = invalidSince;
  const data = str(rec(o.data)?.token);
  if (!data) {
    item.problem = 'the Secret holds no token yet; the token controller fills it in';
    return item;
  }
  const raw = Buffer.from(data, 'base64').toString('utf8');
  item.fingerprint = fingerprint(raw);
  const decoded = decodeToken(raw);
  if (decoded.ok) {
    item.token = decoded.token;
    onToken?.(raw, item);
  } else {
    item.problem = `the token in this Secret cannot be decoded: ${decoded.reason}`;
  }
  return item;
}
