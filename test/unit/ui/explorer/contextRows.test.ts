// The explorer's Contexts rows (no VS Code): built from real kubeconfig files through contextCredentialRows,
// then into the model the tree serves.
import assert from 'node:assert/strict';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { contextCredentialRows, contextsNeedingAttention, describeContexts, type LoadedKubeconfig } from '../../../../src/cluster/auth/contextCredentials';
import { ExecRuns, execRunKey } from '../../../../src/cluster/auth/execRuns';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import type { InventorySnapshot, ResourceStatus } from '../../../../src/cluster/inventory/types';
import { COMMAND } from '../../../../src/shared/commandIds';
import { refOf } from '../../../../src/shared/nodeRef';
import { contextsWarning, MAX_CONTEXT_ROWS, OTHER_CONTEXT_VALUE } from '../../../../src/ui/explorer/contextRows';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import { childrenOf, type ExplorerModel, type ExplorerNode, type ModelInput } from '../../../../src/ui/explorer/explorerNode';
import { type TempDir, fakeJwt, tempDir } from '../../cluster/auth/support/fixtures';
import { type TestCa, createTestCa } from '../../cluster/auth/support/recordingServer';

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;
const EKS_ARGS = ['eks', 'get-token', '--cluster-name', 'prod-eu', '--region', 'eu-west-1'];

let tmp: TempDir;
let kubeadmCa: TestCa;

before(() => {
  kubeadmCa = createTestCa('kubernetes');
});
beforeEach(() => {
  tmp = tempDir('cc-context-rows-');
});
afterEach(() => tmp.remove());

function snapshot(): InventorySnapshot {
  const ready = (): Map<string, ResourceStatus> => new Map([['*', { state: 'ready' }]]);
  return {
    version: 1,
    namespaces: [{ name: 'payments' }],
    serviceAccounts: [{ namespace: 'payments', name: 'api', uid: 'u1', secrets: [] }],
    pods: [],
    secrets: [],
    status: { namespaces: ready(), serviceaccounts: ready(), pods: ready(), secrets: ready() },
    namespacesFixed: false,
  };
}

function loadOf(users: Record<string, Record<string, unknown>>, current: string, names = Object.keys(users)): LoadedKubeconfig {
  const file = tmp.file(
    'config',
    stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443' } }],
      users: Object.entries(users).map(([name, user]) => ({ name: `u-${name}`, user })),
      contexts: names.map((name) => ({ name, context: { cluster: 'c', user: `u-${name}`, namespace: 'payments' } })),
      'current-context': current,
    }),
  );
  const l = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(l.ok, l.ok ? '' : l.message);
  return l;
}

/** The model as the tree builds it: the session of the current context, and (unless `withRows` is false) every context's row. */
function modelOf(l: LoadedKubeconfig, runs = new ExecRuns(), withRows = true): ExplorerModel {
  const current = l.currentContext ?? '';
  const described = describeContexts(l).find((c) => c.context === current);
  assert.ok(described);
  const session = { context: current, summary: described.summary, credential: described.description };
  const input: ModelInput = { nowSec: NOW, session, inventory: snapshot(), findings: [], liveMode: 'onDemand' };
  if (withRows) input.contexts = contextCredentialRows(l, runs, NOW, undefined, { context: current, credential: described.description });
  return buildExplorerModel(input);
}

function shape(nodes: readonly ExplorerNode[]): unknown[] {
  return nodes.map((n) => ({ id: n.id, label: n.label, description: n.description, icon: n.icon, children: shape(childrenOf(n)) }));
}

function root(m: ExplorerModel, id: string): ExplorerNode {
  const found = m.roots.find((r) => r.id === id);
  assert.ok(found, `a root ${id} (roots: ${m.roots.map((r) => r.id).join(', ')})`);
  return found;
}

describe('explorer Contexts rows', () => {
  it('leaves the tree of a one-context kubeconfig as it was', () => {
    const l = loadOf({ only: { token: fakeJwt({ sub: 'x', exp: NOW + 3600, iat: NOW - 3600 }) } }, 'only');
    const withRows = modelOf(l);
    assert.deepEqual(shape(withRows.roots), shape(modelOf(l, new ExecRuns(), false).roots));
    assert.deepEqual(
      withRows.roots.map((r) => r.id),
      ['context:only', 'findings'],
    );
    assert.doesNotMatch(withRows.roots[0]?.description ?? '', /active/);
  });

  it('lists every context worst first, the active one marked at its rank and expanding into the session tree', () => {
    const notBefore = NOW - 345 * DAY;
    const kubeadm = kubeadmCa.issue('kubernetes-admin', {
      notBefore: new Date(notBefore * 1000),
      notAfter: new Date((notBefore + 365 * DAY + 300) * 1000),
    });
    const l = loadOf(
      {
        'onprem-admin': { 'client-certificate-data': Buffer.from(kubeadm.certPem).toString('base64') },
        'eks-prod': { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: EKS_ARGS } },
        'gke-dev': { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' } },
        dex: {
          'auth-provider': {
            name: 'oidc',
            config: {
              'idp-issuer-url': 'https://dex.example',
              'id-token': fakeJwt({ iss: 'https://dex.example', email: 'alice@example.com', exp: NOW - 3 * 3600, iat: NOW - 4 * 3600 }),
              'refresh-token': 'refresh-secret',
            },
          },
        },
        // 4 h left of 24: inside the 20% window.
        'ci *bot* [x](http://evil)': { token: fakeJwt({ sub: 'system:serviceaccount:ci:bot', exp: NOW + 4 * 3600, iat: NOW - 20 * 3600 }) },
      },
      'onprem-admin',
    );
    const runs = new ExecRuns();
    runs.record(execRunKey('u-eks-prod', { command: 'aws', args: EKS_ARGS }), {
      outcome: 'ok',
      atMs: (NOW - 360) * 1000,
      issuedAtSec: NOW - 360,
      expiresAtSec: NOW + 540,
    });
    const m = modelOf(l, runs);

    assert.deepEqual(
      m.roots.map((r) => r.id),
      ['contexts:dex', 'contexts:ci *bot* [x](http://evil)', 'contexts:gke-dev', 'contexts:eks-prod', 'context:onprem-admin', 'findings'],
    );
    const dex = root(m, 'contexts:dex');
    assert.equal(dex.description, 'OIDC id-token alice@example.com · expired 3 h ago · refresh token present');
    assert.equal(dex.tone, 'error');
    assert.equal(root(m, 'contexts:eks-prod').description, 'AWS EKS token · prod-eu · expires in 9 min');
    assert.equal(root(m, 'contexts:gke-dev').description, 'GKE access token · not run yet');
    assert.equal(root(m, 'contexts:gke-dev').icon, 'question');

    const active = root(m, 'context:onprem-admin');
    assert.equal(m.find({ kind: 'context', context: 'onprem-admin' }), active, 'reveal still finds the active context');
    assert.equal(active.expanded, true);
    assert.match(active.description ?? '', /^active · client certificate · expires in 20 d$/);
    assert.match(active.tooltip?.() ?? '', /^\*\*Context onprem-admin \(active\)\*\*/);
    assert.ok(
      childrenOf(active).some((c) => c.label === 'payments'),
      'the active context holds the namespaces',
    );

    const eks = root(m, 'contexts:eks-prod');
    assert.equal(eks.contextValue, OTHER_CONTEXT_VALUE);
    assert.deepEqual(refOf(eks), { kind: 'context', context: 'eks-prod' }, 'Switch to This Context reads the context from the node');
    assert.equal(eks.expanded, undefined, 'other contexts start collapsed');
    const details = childrenOf(eks);
    assert.deepEqual(
      details.map((d) => [d.label, d.description]),
      [
        ['State', 'expires in 9 min'],
        ['Cluster', 'c'],
        ['Server', 'https://10.0.0.1:6443'],
        ['User', 'u-eks-prod'],
        ['Credential', 'AWS EKS token for cluster prod-eu (region eu-west-1)'],
        ['Expires', details.find((d) => d.label === 'Expires')?.description],
        ['Last run', 'ok, 6 min ago'],
        ['Kubeconfig', l.files[0]],
      ],
    );
    assert.ok(details.every((d) => d.id.startsWith('contexts:eks-prod/')));

    const kubeadmRow = contextCredentialRows(l, runs, NOW).find((r) => r.credential.context === 'onprem-admin');
    assert.equal(kubeadmRow?.credential.who, 'kubernetes-admin (kubeadm, 1 year)');

    // Values from the kubeconfig cannot form markdown: no link, no emphasis.
    const tip = root(m, 'contexts:ci *bot* [x](http://evil)').tooltip?.() ?? '';
    assert.ok(tip.includes('**Context ci \\*bot\\* \\[x\\](http\\://evil)**'), tip);
    assert.doesNotMatch(tip, /[^\\]\]\(/, 'no unescaped link');
  });

  it('shows at most 200 contexts of 10,000, the active one always among them, then one row for the rest', () => {
    const users: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 10_000; i++) users[`ctx-${String(i).padStart(5, '0')}`] = { token: `opaque-${i}` };
    // Expired ones rank first; the active one (the last name, a fine token) ranks after all of them.
    users['ctx-00007'] = { token: fakeJwt({ sub: 'x', exp: NOW - 60, iat: NOW - 3600 }) };
    users['ctx-09999'] = { token: fakeJwt({ sub: 'me', exp: NOW + 30 * DAY, iat: NOW }) };
    const m = modelOf(loadOf(users, 'ctx-09999'));
    assert.equal(m.roots.length, MAX_CONTEXT_ROWS + 2);
    assert.equal(m.roots[0]?.id, 'contexts:ctx-00007');
    assert.equal(m.roots[MAX_CONTEXT_ROWS - 1]?.id, 'context:ctx-09999', 'the active context takes the last place shown');
    const more = m.roots[MAX_CONTEXT_ROWS];
    assert.equal(more?.label, '9,800 more contexts');
    assert.equal(more?.description, 'use Switch Context');
    assert.equal(more?.command?.command, COMMAND.switchContext);
    assert.equal(m.roots.at(-1)?.id, 'findings');
  });
});

describe('contextsWarning', () => {
  it('counts the other contexts that need attention, in words, one tooltip row each', () => {
    const l = loadOf(
      {
        mine: { token: fakeJwt({ sub: 'me', exp: NOW + 30 * DAY, iat: NOW }) },
        old: { token: fakeJwt({ sub: 'o', exp: NOW - 7200, iat: NOW - 9000 }) },
        soon: { token: fakeJwt({ sub: 's', exp: NOW + 600, iat: NOW - 3000 }) },
      },
      'mine',
    );
    const rows = contextCredentialRows(l, new ExecRuns(), NOW);
    const w = contextsWarning(contextsNeedingAttention(rows, 'all'));
    assert.equal(w?.text, '2 other contexts expired or expiring');
    assert.deepEqual(w?.rows, [
      ['old', 'bearer token o · expired 2 h ago'],
      ['soon', 'bearer token s · expires in 10 min'],
    ]);
    assert.equal(contextsWarning(contextsNeedingAttention(rows, 'active')), undefined);
    assert.equal(
      contextsWarning(
        contextsNeedingAttention(
          rows.filter((r) => r.credential.context !== 'old'),
          'all',
        ),
      )?.text,
      '1 other context expiring',
    );
  });
});
