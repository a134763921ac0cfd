// The tree says what the API server would answer to a live token and a legacy token Secret (the session's
// verdicts, through the model's `verdict` hook): a refusal in words, a stale acceptance as "stale", and
// nothing new where the verdict is unknown. Its tooltips print a time once where local time is UTC.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InventorySnapshot, LegacySecretItem, LiveTokenReading, PodItem, ResourceStatus } from '../../../../src/cluster/inventory/types';
import { tokenVerdict, type BoundObjects, type Presence } from '../../../../src/diagnosis/tokenVerdict';
import { readClaims } from '../../../../src/token/claims';
import { tokenExpiry } from '../../../../src/token/expiry';
import { formatInstant } from '../../../../src/token/relativeTime';
import type { DecodedToken } from '../../../../src/token/types';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import type { ExplorerModel, ExplorerNode, ModelInput, ModelSession } from '../../../../src/ui/explorer/explorerNode';
import { instant, stateText } from '../../../../src/ui/explorer/tooltips';
import { child } from './support';

const NOW = 1_800_000_000;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const LEGACY_ISSUER = 'kubernetes/serviceaccount';

const SESSION: ModelSession = {
  context: 'prod',
  summary: { name: 'prod', cluster: 'prod-cluster', server: 'https://10.0.0.1:6443', user: 'alice', file: '/home/alice/.kube/config' },
  credential: { context: 'prod', user: 'alice', kind: 'token', expiresAtSec: NOW + 6 * 3600, issuedAtSec: NOW - 3600, expirySource: 'jwt' },
};

const POD: PodItem = {
  namespace: 'payments',
  name: 'api-1',
  uid: 'pod-uid',
  serviceAccount: 'api',
  phase: 'Running',
  nodeName: 'node-1',
  startedAtSec: NOW - 600,
  deleting: false,
  containers: [
    { name: 'api', tokens: [{ volume: 'kube-api-access-x', path: '/var/run/secrets/kubernetes.io/serviceaccount/token', expirationSeconds: 3607 }] },
  ],
  ephemeralContainers: [],
  statuses: [],
  claims: [],
  secretVolumes: [],
};

function decoded(payload: Record<string, unknown>, fingerprint: string): DecodedToken {
  return { header: { alg: 'RS256' }, claims: readClaims(payload), fingerprint };
}

/** A live token of the pod, bound to the pod `boundPod` names; `warnAfter` in seconds from now. */
function liveToken(boundPod: { name: string; uid: string }, warnAfter = 600): DecodedToken {
  return decoded(
    {
      iss: ISSUER,
      aud: [ISSUER],
      sub: 'system:serviceaccount:payments:api',
      iat: NOW - 600,
      nbf: NOW - 600,
      exp: NOW + 365 * 86_400,
      'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 'sa-uid' }, pod: boundPod, warnafter: NOW + warnAfter },
    },
    'aaaaaaaaaaaaaaaa',
  );
}

const LEGACY: DecodedToken = decoded(
  {
    iss: LEGACY_ISSUER,
    sub: 'system:serviceaccount:payments:api',
    'kubernetes.io/serviceaccount/namespace': 'payments',
    'kubernetes.io/serviceaccount/secret.name': 'api-token',
    'kubernetes.io/serviceaccount/service-account.name': 'api',
    'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
  },
  'bbbbbbbbbbbbbbbb',
);

const SECRET: LegacySecretItem = {
  namespace: 'payments',
  name: 'api-token',
  uid: 'secret-uid',
  serviceAccount: 'api',
  token: LEGACY,
  fingerprint: LEGACY.fingerprint,
  signature: { status: 'signed' },
};

function snapshot(): InventorySnapshot {
  const ready = (): Map<string, ResourceStatus> => new Map([['*', { state: 'ready' }]]);
  return {
    version: 1,
    namespaces: [{ name: 'payments' }],
    serviceAccounts: [{ namespace: 'payments', name: 'api', uid: 'sa-uid', secrets: [] }],
    pods: [POD],
    secrets: [SECRET],
    status: { namespaces: ready(), serviceaccounts: ready(), pods: ready(), secrets: ready() },
    namespacesFixed: false,
  };
}

/** The objects as the session sees them: the service account and the pod api-1 exist; `absentSaUid` makes the account another. */
function objects(world: { sa?: Presence; unknownPods?: boolean } = {}): BoundObjects {
  return {
    serviceAccount: () => world.sa ?? { state: 'present', uid: 'sa-uid' },
    pod: (_ns, name) =>
      world.unknownPods
        ? { state: 'unknown', why: 'the list of pods has not answered yet' }
        : name === POD.name
          ? { state: 'present', uid: POD.uid }
          : { state: 'absent' },
    secret: () => ({ state: 'present', uid: 'secret-uid' }),
    tokenSecret: () => ({ state: 'present', uid: 'secret-uid', tokenFingerprint: LEGACY.fingerprint }),
  };
}

function model(token: DecodedToken, world: Parameters<typeof objects>[0] = {}, withVerdict = true): ExplorerModel {
  const reading: LiveTokenReading = { ok: true, atMs: (NOW - 5) * 1000, token, signature: { status: 'signed', kid: 'k1' } };
  const input: ModelInput = {
    nowSec: NOW,
    session: SESSION,
    inventory: snapshot(),
    findings: [],
    liveMode: 'onDemand',
    liveReading: () => reading,
    ...(withVerdict
      ? {
          verdict: (t, signature) =>
            tokenVerdict({
              token: t,
              signature,
              server: { issuer: ISSUER, audiences: [ISSUER], audiencesComplete: true },
              objects: objects(world),
              nowSec: NOW,
            }),
        }
      : {}),
  };
  return buildExplorerModel(input);
}

function tokenFile(m: ExplorerModel): ExplorerNode {
  const sa = child(child(m.roots[0], 'payments'), 'api');
  return child(child(sa, 'api-1'), /^api · kube-api-access-x/);
}

function live(m: ExplorerModel): ExplorerNode {
  return child(tokenFile(m), 'Live token');
}

function secret(m: ExplorerModel): ExplorerNode {
  return child(child(child(m.roots[0], 'payments'), 'api'), 'api-token');
}

describe('token verdicts in the explorer', () => {
  let tz: string | undefined;
  before(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  after(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('says in words that the API server refuses a live token whose pod is gone', () => {
    const m = model(liveToken({ name: 'p-doomed', uid: 'doomed-uid' }));
    const node = live(m);
    assert.match(node.description ?? '', /^refused: its pod p-doomed \(uid doomed-uid\) is gone/);
    assert.equal(node.tone, 'error');
    assert.equal(tokenFile(m).tone, 'error', 'the token file shows it too');
    assert.match(tokenFile(m).description ?? '', /refused: its pod p-doomed/);
    assert.match(node.tooltip?.() ?? '', /API server: refused: invalidated: its pod p-doomed \(uid doomed-uid\) is gone/);
    assert.match(child(node, 'API server').description ?? '', /refused/);
  });

  it('says "stale" for a live token the API server accepts past its warnafter', () => {
    const node = live(model(liveToken({ name: POD.name, uid: POD.uid }, -60)));
    assert.match(node.description ?? '', /^stale · /);
    assert.equal(node.tone, 'warning');
    assert.match(node.tooltip?.() ?? '', /API server: accepted by this API server, but stale: past its warnafter/);
  });

  it('leaves a live token as today when the verdict is unknown, or when there is no verdict', () => {
    const token = liveToken({ name: POD.name, uid: POD.uid });
    const unknown = live(model(token, { unknownPods: true }));
    const none = live(model(token, {}, false));
    assert.equal(unknown.description, none.description);
    assert.match(none.description ?? '', /^valid · .* · signed by this cluster$/);
    assert.equal(unknown.tone, none.tone);
    assert.doesNotMatch(unknown.tooltip?.() ?? '', /API server:/);
  });

  it('says a legacy token Secret is refused when its service account was deleted', () => {
    const node = secret(model(liveToken({ name: POD.name, uid: POD.uid }), { sa: { state: 'absent' } }));
    assert.match(node.description ?? '', /^legacy token · refused: its service account was deleted: payments\/api no longer exists/);
    assert.equal(node.tone, 'error');
    assert.match(node.tooltip?.() ?? '', /API server: refused: its service account was deleted/);
  });

  it('keeps an accepted legacy token as it was, with what the API server would answer in its tooltip', () => {
    const node = secret(model(liveToken({ name: POD.name, uid: POD.uid })));
    assert.equal(node.description, 'legacy token · no expiry · signed by this cluster');
    assert.match(node.tooltip?.() ?? '', /API server: accepted by this API server/);
  });

  it('prints each time once where local time is UTC, and says the State once', () => {
    const tip = secret(model(liveToken({ name: POD.name, uid: POD.uid }))).tooltip?.() ?? '';
    assert.match(tip, /State: no expiry {2}\n/);
    assert.doesNotMatch(tip, /noExpiry|no expiry — no expiry/);
    const liveTip = live(model(liveToken({ name: POD.name, uid: POD.uid }))).tooltip?.() ?? '';
    assert.match(liveTip, new RegExp(`Issued: ${formatInstant(NOW - 600).utc} {2}\n`));
    assert.doesNotMatch(liveTip, /\+00:00/);
    assert.match(liveTip, /State: valid — expires in /);
  });
});

describe('tooltip times and states', () => {
  it('adds the local time only where it differs from UTC', () => {
    assert.equal(instant(NOW, 0), formatInstant(NOW, 0).utc);
    assert.equal(instant(NOW, 60), `${formatInstant(NOW, 60).utc} (${formatInstant(NOW, 60).local})`);
    assert.match(instant(NOW, -330) ?? '', /UTC \(.*-05:30\)$/);
    assert.equal(instant(undefined), undefined);
  });

  it('names a state once', () => {
    const expiry = (exp: number | undefined) => tokenExpiry(decoded({ iss: ISSUER, iat: NOW - 600, ...(exp ? { exp } : {}) }, 'c'), NOW);
    assert.equal(stateText(expiry(undefined), NOW), 'no expiry');
    assert.equal(stateText(expiry(NOW - 3 * 86_400), NOW), 'expired 3 days ago');
    assert.equal(stateText(expiry(NOW + 3 * 3600), NOW), 'valid — expires in 3 h');
  });
});
