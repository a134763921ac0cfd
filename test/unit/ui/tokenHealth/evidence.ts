// Evidence shaped like the apisix-not-reloading incident: a pod's token rotated by the kubelet,
// and 401 lines that go on after the rotation. Plus hostile strings for the escaping tests.
import type { Finding } from '../../../../src/diagnosis/types';
import type { HistoryRecord, Subject, TokenObservation, UnauthorizedEvent } from '../../../../src/history/types';

export const T0 = Date.UTC(2026, 10, 22, 8, 0);
export const MIN = 60_000;
export const HOSTILE_POD = '<img src=x onerror=alert(1)>';
export const HOSTILE_LINES = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', '<a href="javascript:alert(3)">click</a>'];

export const apisixPod: Subject = {
  context: 'test',
  namespace: 'gateway',
  pod: 'apisix-7d9f-x2k4q',
  podUid: 'uid-apisix',
  serviceAccount: 'apisix',
  container: 'apisix',
  path: '/var/run/secrets/kubernetes.io/serviceaccount/token',
};

export function observation(at: number, fingerprint: string, iatMs: number, subject: Subject = apisixPod, lifetimeS = 3607): TokenObservation {
  const iat = Math.floor(iatMs / 1000);
  return { kind: 'token', at, subject, source: 'liveRead', fingerprint, iat, exp: iat + lifetimeS, jti: `jti-${fingerprint}` };
}

export function unauthorized(at: number, line: string, subject: Subject = apisixPod, count?: number): UnauthorizedEvent {
  // A 401 line names the pod and container, not the token file.
  const podSubject: Subject = { context: subject.context };
  for (const k of ['namespace', 'pod', 'podUid', 'serviceAccount', 'container'] as const) if (subject[k] !== undefined) podSubject[k] = subject[k];
  const e: UnauthorizedEvent = { kind: 'unauthorized', at, subject: podSubject, source: 'log', pattern: 'http-401', line };
  if (count !== undefined) e.count = count;
  return e;
}

/** Token A issued at T0, replaced by B at T0+49 min (the kubelet's 80 %); 401s from T0+55 min. */
export function apisixRecords(): HistoryRecord[] {
  return [
    observation(T0 + 1 * MIN, 'aaaaaaaa11111111', T0),
    { ...observation(T0 + 20 * MIN, 'aaaaaaaa11111111', T0), lastAt: T0 + 45 * MIN },
    { ...observation(T0 + 49 * MIN, 'bbbbbbbb22222222', T0 + 48 * MIN), lastAt: T0 + 70 * MIN },
    unauthorized(T0 + 55 * MIN, 'GET /apis/apisix.apache.org/v2/apisixroutes 401 Unauthorized'),
    unauthorized(T0 + 60 * MIN, 'failed to list: Unauthorized', apisixPod, 3),
    // Another pod and another context: outside a pod panel's scope.
    observation(T0 + 2 * MIN, 'cccccccc33333333', T0, { context: 'test', namespace: 'payments', pod: 'api-1', serviceAccount: 'api', container: 'api' }),
    unauthorized(T0 + 3 * MIN, 'other pod', { context: 'test', namespace: 'payments', pod: 'api-1', container: 'api' }),
    unauthorized(T0 + 3 * MIN, 'other context', { context: 'prod', namespace: 'gateway', pod: 'apisix-7d9f-x2k4q' }),
  ];
}

export function notReloadingFinding(): Finding {
  return {
    id: 'notReloading:test/gateway/apisix-7d9f-x2k4q',
    rule: 'notReloading',
    severity: 'error',
    title: 'apisix keeps using its old token after the kubelet rotated it',
    explanation: 'The token file holds a newer token since 08:49, yet 401 lines go on: restart the pod now, and make the app re-read its token file.',
    subject: { context: 'test', namespace: 'gateway', pod: 'apisix-7d9f-x2k4q', serviceAccount: 'apisix' },
    target: { kind: 'pod', context: 'test', namespace: 'gateway', name: 'apisix-7d9f-x2k4q', uid: 'uid-apisix', serviceAccount: 'apisix' },
    evidence: [{ atMs: T0 + 49 * MIN, text: 'token bbbbbbbb22222222 replaced aaaaaaaa11111111' }],
    actions: [
      {
        title: 'Restart Pod',
        command: 'clusterCredentials.restartPod',
        target: { kind: 'pod', context: 'test', namespace: 'gateway', name: 'apisix-7d9f-x2k4q', uid: 'uid-apisix', serviceAccount: 'apisix' },
      },
    ],
  };
}

export function otherFinding(): Finding {
  return {
    id: 'expired:prod/kubeconfig',
    rule: 'kubeconfigCredential',
    severity: 'warning',
    title: 'The kubeconfig credential of prod expires in 2 h',
    explanation: 'Renew it.',
    subject: { context: 'prod' },
    evidence: [],
    actions: [],
  };
}
