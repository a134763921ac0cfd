import { isRecord } from '../shared/values';
import type { KubernetesClaim, ObjectRef, TokenClaims } from './types';

// The issuer the token controller writes into legacy Secret-based tokens.
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

const LEGACY_PREFIX = 'kubernetes.io/serviceaccount/';
const LEGACY_NAMESPACE = LEGACY_PREFIX + 'namespace';
const LEGACY_SECRET_NAME = LEGACY_PREFIX + 'secret.name';
const LEGACY_SA_NAME = LEGACY_PREFIX + 'service-account.name';
const LEGACY_SA_UID = LEGACY_PREFIX + 'service-account.uid';

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function ref(v: unknown): ObjectRef | undefined {
  if (!isRecord(v)) return undefined;
  const name = str(v.name);
  if (name === undefined) return undefined;
  const uid = str(v.uid);
  return uid === undefined ? { name } : { name, uid };
}

function audience(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((a): a is string => typeof a === 'string');
  return [];
}

// Drops undefined members so results compare and serialise cleanly. A copy, not `delete`: a deleted
// property turns an object into a slow dictionary, ten times its size, and twenty thousand decoded
// tokens of a large document stay in memory.
function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

function boundClaim(v: unknown): KubernetesClaim | undefined {
  if (!isRecord(v)) return undefined;
  return compact<KubernetesClaim>({
    namespace: str(v.namespace),
    serviceAccount: ref(v.serviceaccount),
    pod: ref(v.pod),
    secret: ref(v.secret),
    node: ref(v.node),
    warnAfter: num(v.warnafter),
  });
}

function legacyClaim(p: Json): KubernetesClaim | undefined {
  const saName = str(p[LEGACY_SA_NAME]);
  const saUid = str(p[LEGACY_SA_UID]);
  const secretName = str(p[LEGACY_SECRET_NAME]);
  const namespace = str(p[LEGACY_NAMESPACE]);
  if (saName === undefined && secretName === undefined && namespace === undefined) return undefined;
  return compact<KubernetesClaim>({
    namespace,
    serviceAccount: saName === undefined ? undefined : compact<ObjectRef>({ name: saName, uid: saUid }),
    secret: secretName === undefined ? undefined : { name: secretName },
  });
}

/** Types the claims we use; claims of the wrong type are left out, never thrown about. */
export function readClaims(payload: Record<string, unknown>): TokenClaims {
  const p: Json = isRecord(payload) ? payload : {};
  const iss = str(p.iss);
  const hasLegacyClaims = Object.keys(p).some((k) => k.startsWith(LEGACY_PREFIX));
  const legacy = iss === LEGACY_ISSUER || hasLegacyClaims;
  // A bound claim wins when a token carries both shapes; the flat ones fill in for legacy tokens.
  const kubernetes = boundClaim(p['kubernetes.io']) ?? (hasLegacyClaims ? legacyClaim(p) : undefined);
  return compact<TokenClaims>({
    iss,
    sub: str(p.sub),
    aud: audience(p.aud),
    exp: num(p.exp),
    iat: num(p.iat),
    nbf: num(p.nbf),
    jti: str(p.jti),
    kubernetes,
    legacy,
    raw: p,
  });
}
