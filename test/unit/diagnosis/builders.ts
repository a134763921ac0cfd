// Hand-built evidence for rule tests: a pod, its token file observations and 401 lines.
import { emptyEvidence, type Evidence, type PodEvidence } from '../../../src/diagnosis/evidence';
import type { Subject, TokenObservation, UnauthorizedEvent } from '../../../src/history/types';

export const T0 = Date.UTC(2026, 0, 10, 8, 0, 0);
export const S0 = T0 / 1000;
export const CONTEXT = 'test';
export const PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function pod(overrides: Partial<PodEvidence> = {}): PodEvidence {
  return {
    namespace: 'gateway',
    name: 'apisix-7d9f-abcde',
    uid: 'uid-apisix',
    serviceAccount: 'apisix',
    phase: 'Running',
    nodeName: 'node-1',
    owner: { kind: 'ReplicaSet', name: 'apisix-7d9f' },
    workload: { kind: 'Deployment', name: 'apisix' },
    containers: [{ name: 'apisix', restartCount: 0, ready: true }],
    tokenSources: [{ volume: 'kube-api-access', path: PATH, containers: ['apisix'], expirationSeconds: 3607 }],
    claims: [],
    mountedSecrets: [],
    ...overrides,
  };
}

export function subjectOf(p: PodEvidence, container = p.containers[0]?.name ?? 'app'): Subject {
  return { context: CONTEXT, namespace: p.namespace, pod: p.name, podUid: p.uid, serviceAccount: p.serviceAccount, container, path: PATH };
}

/** A token observation: iat/exp in seconds, at/lastAt in ms. */
export function observation(
  p: PodEvidence,
  fingerprint: string,
  iat: number,
  lifetime: number,
  at: number,
  lastAt?: number,
  warnAfter?: number,
): TokenObservation {
  const o: TokenObservation = {
    kind: 'token',
    at,
    subject: subjectOf(p),
    source: 'liveRead',
    fingerprint,
    iat,
    exp: iat + lifetime,
    jti: `jti-${fingerprint}`,
  };
  if (lastAt !== undefined) o.lastAt = lastAt;
  if (warnAfter !== undefined) o.warnAfter = warnAfter;
  return o;
}

export function unauthorized(p: PodEvidence, at: number, line = 'HTTP 401 Unauthorized', pattern = 'http-401'): UnauthorizedEvent {
  return { kind: 'unauthorized', at, subject: subjectOf(p), source: 'log', pattern, line };
}

export function evidenceWith(fill: (e: Evidence) => void, at = T0): Evidence {
  const e = emptyEvidence(CONTEXT, at);
  fill(e);
  return e;
}

export const MIN = 60_000;
export const HOUR = 3_600_000;
