// The explorer model (no VS Code): built from the test cluster's answers, and from error statuses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { classifyError, classifyResponse } from '../../../../src/cluster/errors';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import type { InventorySnapshot, LiveTokenReading, ResourceStatus } from '../../../../src/cluster/inventory/types';
import { ClusterKeys } from '../../../../src/cluster/live/jwks';
import { readLiveToken } from '../../../../src/cluster/live/readLiveToken';
import { liveTokenKey } from '../../../../src/cluster/inventory/types';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import type { Finding } from '../../../../src/diagnosis/types';
import { compareFindings } from '../../../../src/diagnosis/types';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import { type ExplorerModel, type ExplorerNode, type ModelInput, type ModelSession } from '../../../../src/ui/explorer/explorerNode';
import { unauthorizedSentence } from '../../../../src/cluster/unauthorizedSentence';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../../cluster/support/session';
import { child, modelSession } from './support';

const NOW = 1_800_000_000;

function emptySnapshot(status: Partial<Record<'namespaces' | 'serviceaccounts' | 'pods' | 'secrets', [string, ResourceStatus][]>> = {}): InventorySnapshot {
  const m = (k: keyof typeof status): Map<string, ResourceStatus> => new Map(status[k] ?? [['*', { state: 'ready' }]]);
  return {
    version: 1,
    namespaces: [{ name: 'payments' }],
    serviceAccounts: [{ namespace: 'payments', name: 'api', uid: 'u1', secrets: [] }],
    pods: [],
    secrets: [],
    status: { namespaces: m('namespaces'), serviceaccounts: m('serviceaccounts'), pods: m('pods'), secrets: m('secrets') },
    namespacesFixed: false,
  };
}

const SESSION: ModelSession = {
  context: 'prod',
  summary: { name: 'prod', cluster: 'prod-cluster', server: 'https://10.0.0.1:6443', user: 'alice', file: '/home/alice/.kube/config' },
  credential: { context: 'prod', user: 'alice', kind: 'token', expiresAtSec: NOW + 6 * 3600 + 60, issuedAtSec: NOW - 20 * 3600, expirySource: 'jwt' },
};

/** Every error node of the model, in tree order. */
function errorNodes(m: ExplorerModel): ExplorerNode[] {
  const out: ExplorerNode[] = [];
  const walk = (nodes: readonly ExplorerNode[]): void => {
    for (const n of nodes) {
      if (n.contextValue === 'error') out.push(n);
      walk(n.children ?? []);
    }
  };
  walk(m.roots);
  return out;
}

function model(extra: Partial<ModelInput>): ReturnType<typeof buildExplorerModel> {
  return buildExplorerModel({ nowSec: NOW, session: SESSION, inventory: emptySnapshot(), findings: [], liveMode: 'onDemand', ...extra });
}

describe('explorer model from the test cluster', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let inventory: Inventory;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir();
    session = sessionFor(cluster, tmp);
    inventory = new Inventory({ api: session.api, coalesceMs: 0 });
    inventory.start();
    await waitFor('pods', () => inventory.snapshot().pods.find((p) => p.name === 'vault-client' && p.phase === 'Running'));
    await waitFor('service accounts', () => inventory.snapshot().serviceAccounts.find((s) => s.name === 'patroni'));
  });
  after(async () => {
    inventory.stop();
    await cluster.stop();
    tmp.remove();
  });

  it('nests namespaces, service accounts, pods and token files, with the live token once read', async () => {
    const snap = inventory.snapshot();
    const pod = snap.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-'));
    assert.ok(pod);
    const keys = new ClusterKeys(session.api);
    const target = { namespace: 'payments', pod: pod.name, podUid: pod.uid, container: 'api', path: '/var/run/secrets/kubernetes.io/serviceaccount/token' };
    const reading = await readLiveToken(session.api, target, { verify: (raw) => keys.verify(raw) });
    const readings = new Map<string, LiveTokenReading>([[liveTokenKey(target), reading]]);
    const now = cluster.clock.nowSeconds();
    const m = buildExplorerModel({
      nowSec: now,
      session: modelSession(session),
      inventory: snap,
      findings: [],
      liveMode: 'onDemand',
      liveReading: (t) => readings.get(liveTokenKey(t)),
    });

    const [ctx, findings] = m.roots;
    assert.equal(ctx?.label, 'admin@test-cluster');
    assert.equal(ctx?.description, 'bearer token');
    assert.equal(findings?.label, 'Findings');
    const payments = child(ctx, 'payments');
    assert.equal(payments.description, '2 service accounts · 2 pods');
    const api = child(payments, 'api');
    assert.equal(api.description, '2 pods');
    const podNode = child(api, pod.name);
    assert.equal(podNode.contextValue, 'pod owned ownerDeployment running');
    assert.deepEqual(podNode.ref, {
      kind: 'pod',
      context: 'admin@test-cluster',
      namespace: 'payments',
      name: pod.name,
      uid: pod.uid,
      serviceAccount: 'api',
      owner: pod.owner,
    });
    const file = child(podNode, /^api · kube-api-access-/);
    assert.equal(file.contextValue, 'tokenFile read running');
    assert.match(file.description ?? '', /^valid · expires in (36[45] d|1 y\w*) · signed by this cluster$/);
    assert.equal(child(file, 'expirationSeconds').description, '3607 s (1 h)');
    assert.match(child(file, 'Kubelet refresh').description ?? '', /^every 48 min; latest due/);
    const live = child(file, 'Live token');
    assert.equal(child(live, 'jti').description, reading.ok ? reading.token.claims.jti : 'no reading');
    assert.equal(child(live, 'Signature').description, 'signed by this cluster');
    assert.match(child(live, 'Kubelet replaces it').description ?? '', /^at \d{4}-/);
    const vault = child(child(api, 'vault-client'), /^app · vault-token/);
    assert.match(vault.description ?? '', /^vault · 10m$/);
    assert.equal(m.find({ kind: 'context', context: 'admin@test-cluster' }), ctx);
    assert.equal(m.find(podNode.ref ?? { kind: 'context', context: '' }), podNode);
    assert.doesNotMatch(file.tooltip?.() ?? '', /eyJ[\w-]+\.eyJ/);
  });

  it('flags a live token the kubelet should have replaced already', async () => {
    const pod = inventory.snapshot().pods.find((p) => p.name === 'vault-client');
    assert.ok(pod);
    const target = { namespace: 'payments', pod: pod.name, podUid: pod.uid, container: 'app', path: '/var/run/secrets/vault/token' };
    cluster.kubelet.stall(pod.uid, true);
    try {
      const reading = await readLiveToken(session.api, target);
      cluster.advance(590);
      const m = buildExplorerModel({
        nowSec: cluster.clock.nowSeconds(),
        session: modelSession(session),
        inventory: inventory.snapshot(),
        findings: [],
        liveMode: 'onDemand',
        liveReading: () => reading,
      });
      const file = child(child(child(child(m.roots[0], 'payments'), 'api'), 'vault-client'), /^app · vault-token/);
      const overdue = child(child(file, 'Live token'), 'Refresh overdue');
      assert.match(overdue.description ?? '', /^the kubelet should have replaced it at /);
      assert.equal(overdue.tone, 'warning');
    } finally {
      cluster.kubelet.stall(pod.uid, false);
    }
  });
});

describe('explorer model from statuses', () => {
  it('describes the context credential with its time left', () => {
    const [ctx] = model({}).roots;
    assert.equal(ctx?.description, 'bearer token · expires in 6 h');
    assert.equal(ctx?.tone, 'ok');
    const expired = model({ session: { ...SESSION, credential: { ...SESSION.credential, expiresAtSec: NOW - 2 * 86400 } } }).roots[0];
    assert.equal(expired?.description, 'bearer token · expired 2 d ago');
    assert.equal(expired?.icon, 'error');
  });

  it('explains a 401 with the expiry of the credential and offers Reload Credentials', () => {
    const credential = { ...SESSION.credential, expiresAtSec: NOW - 7200 };
    const error = classifyResponse(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }, { verb: 'list', resource: 'pods' });
    const m = model({ session: { ...SESSION, credential }, inventory: emptySnapshot({ pods: [['*', { state: 'error', error }]] }) });
    const node = child(m.roots[0], /rejected your credential/);
    assert.match(
      node.label,
      /^the cluster rejected your credential \(401 Unauthorized\): your token expired 2 h ago \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC\); log in again or run Reload Credentials/,
    );
    // The same sentence a command shows for the same 401, from the one builder.
    assert.equal(node.label, unauthorizedSentence(credential, NOW));
    assert.equal(node.command?.command, 'clusterCredentials.reloadCredentials');
    assert.equal(node.contextValue, 'error');
  });

  it('says a cause of the whole session once, on the context, however many lists it stopped', () => {
    const credential = { ...SESSION.credential, expiresAtSec: NOW - 3 * 86_400 };
    const error = classifyResponse(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    const failed: ResourceStatus = { state: 'error', error, retryAtMs: NOW * 1000 + 60_000 };
    const m = model({
      session: { ...SESSION, credential },
      inventory: emptySnapshot({
        namespaces: [['*', failed]],
        serviceaccounts: [['*', failed]],
        pods: [['*', failed]],
        secrets: [['*', { ...failed, retryAtMs: NOW * 1000 + 20_000 }]],
      }),
    });
    const [ctx] = m.roots;
    const errors = errorNodes(m);
    assert.deepEqual(
      errors.map((n) => n.parent),
      [ctx],
      'one node, on the context',
    );
    assert.match(errors[0]?.label ?? '', /^the cluster rejected your credential \(401 Unauthorized\): your token expired 3 days ago \(/);
    assert.equal(errors[0]?.description, 'retrying in 20 s', 'the soonest retry of the lists it stopped');
    assert.equal(ctx?.icon, 'error');
    assert.equal(m.roots[1]?.description, 'none in what could be read');
    assert.equal(child(m.roots[1], /^No problems found in what could be read/).description, 'credential rejected (401)');
  });

  it('shows an unreachable server once on the context with its retry countdown, and greys the context out', () => {
    const closed = classifyError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }), {
      server: 'https://10.0.0.1:6443',
      verb: 'watch',
    });
    const failed = (kind: string): ResourceStatus => ({ state: 'error', error: { ...closed, resource: kind }, retryAtMs: NOW * 1000 + 10_000 });
    const m = model({
      inventory: emptySnapshot({
        namespaces: [['*', failed('namespaces')]],
        serviceaccounts: [['*', failed('serviceaccounts')]],
        pods: [['*', failed('pods')]],
        secrets: [['*', failed('secrets')]],
      }),
    });
    const [ctx] = m.roots;
    const errors = errorNodes(m);
    assert.equal(errors.length, 1, errors.map((n) => n.label).join('\n'));
    const node = errors[0];
    assert.equal(node?.parent, ctx);
    assert.match(node?.label ?? '', /^the API server at https:\/\/10\.0\.0\.1:6443 closed the connection \(UND_ERR_SOCKET\); it may be restarting/);
    assert.equal(node?.description, 'retrying in 10 s');
    assert.equal(node?.command?.command, 'clusterCredentials.refresh');
    assert.equal(ctx?.icon, 'debug-disconnect', 'not the green check of a valid credential');
    assert.equal(ctx?.tone, 'muted');
    assert.match(ctx?.tooltip?.() ?? '', /closed the connection \(UND\\_ERR\\_SOCKET\); it may be restarting.* \(retrying in 10 s\)/);
  });

  it('shows a failed TLS handshake once on the context', () => {
    const tls = classifyError(
      Object.assign(new Error('fetch failed'), { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' } }),
      {
        server: 'https://10.0.0.1:6443',
      },
    );
    const failed: ResourceStatus = { state: 'error', error: tls, retryAtMs: NOW * 1000 + 10_000 };
    const m = model({
      inventory: emptySnapshot({ namespaces: [['*', failed]], serviceaccounts: [['*', failed]], pods: [['*', failed]], secrets: [['*', failed]] }),
    });
    const errors = errorNodes(m);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.label ?? '', /^the TLS connection to https:\/\/10\.0\.0\.1:6443 failed \(SELF_SIGNED_CERT_IN_CHAIN/);
    assert.equal(m.roots[0]?.icon, 'error');
  });

  it('shows an unreachable server with its retry countdown and a retry action', () => {
    const error = classifyError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), {
      server: 'https://10.0.0.1:6443',
      verb: 'list',
      resource: 'pods',
    });
    const m = model({ inventory: emptySnapshot({ pods: [['*', { state: 'error', error, retryAtMs: NOW * 1000 + 10_000 }]] }) });
    const node = child(m.roots[0], /refused the connection/);
    assert.match(node.label, /^the API server at https:\/\/10\.0\.0\.1:6443 refused the connection \(ECONNREFUSED\)/);
    assert.equal(node.description, 'retrying in 10 s');
    assert.equal(node.command?.command, 'clusterCredentials.refresh');
  });

  it('never shows the healthy check over a 403: the context says what cannot be seen, the namespace keeps the node', () => {
    const error = classifyResponse(403, {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "payments"',
    });
    const healthy = model({}).roots[0];
    assert.equal(healthy?.icon, 'pass', 'a valid credential whose every list answered');
    const m = model({
      inventory: {
        ...emptySnapshot({
          secrets: [['payments', { state: 'error', error }]],
          serviceaccounts: [['payments', { state: 'ready' }]],
          pods: [['payments', { state: 'ready' }]],
        }),
        namespacesFixed: true,
      },
    });
    const [ctx, findings] = m.roots;
    assert.equal(ctx?.icon, 'warning');
    assert.equal(ctx?.tone, 'warning');
    assert.match(ctx?.description ?? '', /^bearer token · expires in 6 h · cannot list token Secrets in payments$/);
    assert.match(ctx?.tooltip?.() ?? '', /Cannot see: cannot list token Secrets in namespace payments: forbidden \(missing list on secrets\)/);
    const payments = child(ctx, 'payments');
    assert.equal(payments.description, '1 service account · 0 pods · cannot list token Secrets (403)');
    assert.equal(payments.tone, 'warning');
    assert.deepEqual(
      errorNodes(m).map((n) => n.parent?.label),
      ['payments'],
      'the per-kind cause stays with its namespace',
    );
    assert.equal(findings?.icon, 'question', 'no green check over what was not read');
    assert.equal(child(findings, /^No problems found in what could be read/).description, 'cannot list token Secrets in payments');
  });

  it('keeps a per-kind 403 as its own node next to the one node of a session cause', () => {
    const forbidden = classifyResponse(403, {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" at the cluster scope',
    });
    const refused = classifyError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), { server: 'https://10.0.0.1:6443' });
    const m = model({
      inventory: emptySnapshot({
        secrets: [['*', { state: 'error', error: forbidden }]],
        pods: [['*', { state: 'error', error: refused }]],
        serviceaccounts: [['*', { state: 'error', error: refused }]],
      }),
    });
    assert.deepEqual(
      errorNodes(m).map((n) => n.label.replace(/ \(.*/, '')),
      ['the API server at https://10.0.0.1:6443 refused the connection', 'you cannot list secrets across the cluster'],
    );
  });

  it('puts a 403 under the namespace it concerns, naming verb and resource', () => {
    const error = classifyResponse(403, {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "payments"',
    });
    const m = model({
      inventory: {
        ...emptySnapshot({ secrets: [['payments', { state: 'error', error }]], serviceaccounts: [['payments', { state: 'ready' }]] }),
        namespacesFixed: true,
      },
    });
    const node = child(child(m.roots[0], 'payments'), /^you cannot list secrets/);
    assert.equal(
      node.label,
      'you cannot list secrets in namespace payments (403): user alice lacks the list verb on secrets; ask a cluster admin for a Role or ClusterRole that grants it',
    );
    assert.equal(node.tone, 'warning');
  });

  it('leaves the tree empty without a kubeconfig (for the welcome view), and says why otherwise', () => {
    assert.deepEqual(
      buildExplorerModel({ nowSec: NOW, problem: { message: 'there is no kubeconfig at /x', noKubeconfig: true }, findings: [], liveMode: 'onDemand' }).roots,
      [],
    );
    const [node] = buildExplorerModel({
      nowSec: NOW,
      problem: { message: '/k sets no current context; pick a context', noKubeconfig: false, noContext: true },
      findings: [],
      liveMode: 'onDemand',
    }).roots;
    assert.equal(node?.label, '/k sets no current context; pick a context');
    assert.equal(node?.command?.command, 'clusterCredentials.switchContext');
    // A broken file whose words name a context (in any language) still offers to open it.
    const [broken] = buildExplorerModel({
      nowSec: NOW,
      problem: { message: 'context "a" names cluster "x", which /k does not define', noKubeconfig: false, noContext: false },
      findings: [],
      liveMode: 'onDemand',
    }).roots;
    assert.equal(broken?.command?.command, 'clusterCredentials.openKubeconfig');
  });

  it('lists findings worst first under the Findings node', () => {
    const finding = (id: string, severity: Finding['severity'], title: string): Finding => ({
      id,
      rule: 'expired',
      severity,
      title,
      explanation: `${title}.`,
      subject: { context: 'prod' },
      evidence: [],
      actions: [],
    });
    const findings = [finding('a', 'info', 'Legacy token'), finding('b', 'error', 'Token expired'), finding('c', 'warning', 'Refresh stalled')].sort(
      compareFindings,
    );
    const node = model({ findings }).roots[1];
    assert.deepEqual(
      node?.children?.map((c) => c.label),
      ['Token expired', 'Refresh stalled', 'Legacy token'],
    );
    assert.equal(node?.tone, 'error');
    assert.equal(model({}).roots[1]?.children?.[0]?.label, 'No problems found');
  });

  it('opens Token Health on a click on a finding; its actions are children clicked on purpose', () => {
    const pod = { kind: 'pod' as const, context: 'prod', namespace: 'payments', name: 'api-1', uid: 'u1', serviceAccount: 'api' };
    const finding: Finding = {
      id: 'expired:payments/api-1',
      rule: 'expired',
      severity: 'error',
      title: 'Token expired',
      explanation: 'Token expired.',
      subject: { context: 'prod' },
      target: pod,
      evidence: [],
      actions: [
        { title: 'Show Token Health', command: 'clusterCredentials.showTokenHealth', target: pod },
        { title: 'Restart pod', command: 'clusterCredentials.restartPod', target: pod },
        { title: 'Probe again', command: 'clusterCredentials.probeConcurrency' },
      ],
    };
    const node = model({ findings: [finding] }).roots[1]?.children?.[0];
    assert.deepEqual(node?.command, {
      command: 'clusterCredentials.showTokenHealth',
      title: 'Show Token Health',
      arguments: [{ kind: 'finding', context: 'prod', findingId: finding.id }],
    });
    assert.deepEqual(
      node?.children?.map((c) => [c.label, c.command?.command, c.command?.arguments]),
      [
        ['Restart pod', 'clusterCredentials.restartPod', [pod]],
        ['Probe again', 'clusterCredentials.probeConcurrency', [pod]],
      ],
    );
    assert.equal(node?.expanded, undefined, 'collapsed: the actions show on expanding');
  });
});
