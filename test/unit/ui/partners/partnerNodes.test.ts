// What Kubernetes Tools' Cluster Explorer gets from us, as plain data: a credential child per context (read from a
// real kubeconfig through the real loader) and a token description per pod (from live readings of real JWTs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { describeContexts } from '../../../../src/cluster/auth/contextCredentials';
import type { CredentialDescription } from '../../../../src/cluster/auth/credentialDescription';
import { loadKubeconfig, type KubeconfigLoad } from '../../../../src/cluster/auth/kubeconfig';
import type { LiveTokenReading, LiveTokenTarget, PodItem } from '../../../../src/cluster/inventory/types';
import { COMMAND } from '../../../../src/shared/commandIds';
import { decodeToken } from '../../../../src/token/jwt';
import {
  PARTNER_CONTEXT_VALUE,
  partnerCredentialNode,
  podTokenDescription,
  withPodDescription,
  type PodTokenInput,
} from '../../../../src/ui/partners/partnerNodes';
import { fakeJwt, tempDir, type TempDir } from '../../cluster/auth/support/fixtures';

const NOW = 1_800_000_000;

function kubeconfig(tmp: TempDir, users: Record<string, Record<string, unknown>>): Extract<KubeconfigLoad, { ok: true }> {
  const names = Object.keys(users);
  const file = tmp.file(
    `kubeconfig-${names.join('-')}`,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: names.map((n) => ({ name: n, user: users[n] })),
      contexts: names.map((n) => ({ name: n, context: { cluster: 'c', user: n } })),
      'current-context': names[0],
    }),
  );
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  if (!load.ok) throw new Error(load.message);
  return load;
}

/** A context's credential as the adapter reads it for a context that is not the session's: offline, from the load. */
function offline(load: Extract<KubeconfigLoad, { ok: true }>, context: string): CredentialDescription {
  const found = describeContexts(load).find((c) => c.context === context);
  if (!found) throw new Error(`no context ${context}`);
  return found.description;
}

describe('the credential child under a Kubernetes Tools context', () => {
  let tmp: TempDir;
  before(() => {
    tmp = tempDir('cc-partner-');
  });
  after(() => tmp.remove());

  it('reads another context from the kubeconfig: kind, time left, and a click that opens Token Health for that context', () => {
    const token = fakeJwt({ iss: 'https://kubernetes.default.svc', sub: 'system:serviceaccount:payments:api', iat: NOW - 3600, exp: NOW + 3 * 3600 + 60 });
    const load = kubeconfig(tmp, { prod: { token: fakeJwt({ sub: 'admin', exp: NOW + 86400 * 30 }) }, staging: { token } });
    const node = partnerCredentialNode('staging', { source: 'kubeconfig', credential: offline(load, 'staging') }, NOW);
    assert.equal(node.label, 'Credential: bearer token · expires in 3 h');
    assert.equal(node.description, 'valid · read from the kubeconfig');
    assert.equal(node.contextValue, `${PARTNER_CONTEXT_VALUE} inactive`);
    assert.deepEqual(node.command, { command: COMMAND.showTokenHealth, title: 'Show Token Health', arguments: [{ kind: 'context', context: 'staging' }] });
    assert.equal(node.tone, 'ok');
    const tooltip = node.tooltip?.() ?? '';
    assert.match(tooltip, /Credential of context staging/);
    assert.match(tooltip, /Fingerprint: /);
    // A fingerprint, never the token.
    assert.ok(!tooltip.includes(token) && !tooltip.includes(token.split('.')[1] ?? token));
  });

  it("says the active context's credential comes from the session, and an expired one reads expired", () => {
    const load = kubeconfig(tmp, { prod: { token: fakeJwt({ sub: 'admin', iat: NOW - 7200, exp: NOW - 1800 }) } });
    const node = partnerCredentialNode('prod', { source: 'session', credential: offline(load, 'prod') }, NOW);
    assert.equal(node.label, 'Credential: bearer token · expired 30 min ago');
    assert.equal(node.description, 'expired · active context');
    assert.equal(node.contextValue, `${PARTNER_CONTEXT_VALUE} active`);
    assert.equal(node.icon, 'error');
    assert.equal(node.tone, 'error');
  });

  it('puts a credential that cannot be read in words, with a warning', () => {
    const missing = `${tmp.dir}/no-such-token`;
    const load = kubeconfig(tmp, { files: { tokenFile: missing } });
    const node = partnerCredentialNode('files', { source: 'kubeconfig', credential: offline(load, 'files') }, NOW);
    assert.equal(node.label, 'Credential: token file');
    assert.equal(node.icon, 'warning');
    assert.equal(node.tone, 'warning');
    assert.match(node.description ?? '', /read from the kubeconfig · the token file .*no-such-token cannot be read \(ENOENT\)/);
  });

  it('says when the context is not in the kubeconfig we read, and what to do', () => {
    const node = partnerCredentialNode('elsewhere', { source: 'missing', reason: 'not in /tmp/a; set clusterCredentials.kubeconfig' }, NOW);
    assert.equal(node.label, 'Credential: not known to Cluster Credentials');
    assert.equal(node.description, 'not in /tmp/a; set clusterCredentials.kubeconfig');
    assert.equal(node.command, undefined);
    assert.match(node.contextValue ?? '', /^clusterCredentials\.partner\.credential missing$/);
  });
});

function pod(containers: PodItem['containers']): PodItem {
  return {
    namespace: 'payments',
    name: 'api-1',
    uid: 'uid-1',
    serviceAccount: 'api',
    phase: 'Running',
    startedAtSec: NOW - 600,
    deleting: false,
    containers,
    ephemeralContainers: [],
    statuses: [],
    claims: [],
    secretVolumes: [],
  };
}

const mount = (path: string, expirationSeconds = 3607): { volume: string; path: string; expirationSeconds: number } => ({
  volume: 'kube-api-access',
  path,
  expirationSeconds,
});

function reading(exp: number): LiveTokenReading {
  const decoded = decodeToken(
    fakeJwt({
      iss: 'https://kubernetes.default.svc',
      sub: 'system:serviceaccount:payments:api',
      iat: NOW - 600,
      exp,
      'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 'sa' }, pod: { name: 'api-1', uid: 'uid-1' } },
    }),
  );
  if (!decoded.ok) throw new Error(decoded.reason);
  return { ok: true, atMs: NOW * 1000, token: decoded.token, signature: { status: 'signed' } };
}

function input(readings: Record<string, LiveTokenReading>, liveMode: PodTokenInput['liveMode'] = 'onDemand'): PodTokenInput {
  return { nowSec: NOW, liveMode, liveReading: (t: LiveTokenTarget) => readings[`${t.podUid}:${t.container}:${t.path}`] };
}

describe('the token description on a Kubernetes Tools pod', () => {
  const two = pod([
    { name: 'api', tokens: [mount('/var/run/secrets/kubernetes.io/serviceaccount')] },
    { name: 'sidecar', tokens: [mount('/var/run/secrets/vault/token', 600)] },
  ]);

  it('gives the soonest expiry among the tokens read', () => {
    const d = podTokenDescription(
      two,
      input({
        'uid-1:api:/var/run/secrets/kubernetes.io/serviceaccount': reading(NOW + 3000),
        'uid-1:sidecar:/var/run/secrets/vault/token': reading(NOW + 1200),
      }),
    );
    assert.equal(d, 'token expires in 20 min');
  });

  it('says an expired token is expired, and that the kubelet should have replaced it', () => {
    // Issued 10 min ago and already expired: past the point the kubelet should have replaced it.
    assert.equal(
      podTokenDescription(two, input({ 'uid-1:api:/var/run/secrets/kubernetes.io/serviceaccount': reading(NOW - 120) })),
      'token expired 2 min ago · kubelet refresh overdue',
    );
  });

  it('says when a read failed and nothing was read', () => {
    const failed: LiveTokenReading = {
      ok: false,
      atMs: NOW * 1000,
      error: { kind: 'forbidden', status: 403, message: 'you cannot create pods/exec in namespace payments (403)' },
    };
    assert.equal(podTokenDescription(two, input({ 'uid-1:api:/var/run/secrets/kubernetes.io/serviceaccount': failed })), 'token could not be read');
  });

  it('without a reading gives the shortest lifetime asked for, and why there is no reading', () => {
    assert.equal(podTokenDescription(two, input({})), 'token lifetime 10 min · not read yet');
    assert.equal(podTokenDescription(two, input({}, 'off')), 'token lifetime 10 min · live tokens off');
  });

  it('says when the pod mounts no service-account token', () => {
    assert.equal(podTokenDescription(pod([{ name: 'api', tokens: [] }]), input({})), 'no service-account token');
  });

  it("goes after the partner's own description", () => {
    assert.equal(withPodDescription('Running', 'token expires in 3 h'), 'Running · token expires in 3 h');
    assert.equal(withPodDescription(undefined, 'token expires in 3 h'), 'token expires in 3 h');
    assert.equal(withPodDescription(true, 'token expires in 3 h'), 'token expires in 3 h');
  });
});
