// A context's credential in one sentence, as Token Health says it first on a context's panel: whose plugin it is
// in words, who its token names, and its state; never the token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CredentialDescription } from '../../../../src/cluster/auth/credentialDescription';
import { buildPanelState } from '../../../../src/ui/tokenHealth/panelData';
import { contextNode, credentialSentence, credentialSummary, isLoginNeeded } from '../../../../src/ui/explorer/statusNodes';

const NOW = 1_800_000_000;
const EXEC: NonNullable<CredentialDescription['exec']> = {
  command: 'aws',
  args: ['eks', 'get-token', '--cluster-name', 'prod-eu', '--region', 'eu-west-1'],
  env: [],
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  provideClusterInfo: false,
};
const eks: CredentialDescription = {
  context: 'eks-prod-eu',
  user: 'eks',
  kind: 'exec',
  exec: {
    command: 'aws',
    args: ['eks', 'get-token', '--cluster-name', 'prod-eu', '--region', 'eu-west-1'],
    env: [],
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    provideClusterInfo: false,
  },
  expiresAtSec: NOW + 12 * 60,
  issuedAtSec: NOW - 2 * 60,
  expirySource: 'exec',
};

describe('the credential in one sentence', () => {
  it('an EKS plugin: its cloud, cluster and region, then the time left', () => {
    assert.equal(credentialSentence(eks, NOW), 'AWS EKS token for cluster prod-eu (region eu-west-1) · expires in 12 min');
  });

  it('an AKS plugin that answered: who the Entra token names; a GKE one: opaque; a plugin not run yet: expiry known after first use', () => {
    const aks: CredentialDescription = {
      ...eks,
      exec: { ...EXEC, command: 'kubelogin', args: ['get-token', '--login', 'azurecli', '--server-id', 'srv', '--tenant-id', 'tid-1'] },
      identity: { kind: 'entra', name: 'alice@contoso.com', tenant: 'tid-1' },
      expiresAtSec: NOW + 3600,
    };
    assert.match(credentialSentence(aks, NOW), / · signed in as alice@contoso\.com \(Entra ID tenant tid-1\) · expires in 1 h$/);
    const gke: CredentialDescription = {
      ...eks,
      exec: { ...EXEC, command: 'gke-gcloud-auth-plugin', args: [] },
      opaqueToken: true,
      expiresAtSec: NOW + 3500,
    };
    assert.match(credentialSentence(gke, NOW), /^GKE .* · an opaque access token \(not decodable\) · expires in 58 min$/);
    const notRun: CredentialDescription = { context: 'x', kind: 'exec', exec: EXEC };
    assert.match(credentialSentence(notRun, NOW), /^AWS EKS token for cluster prod-eu \(region eu-west-1\) · expiry known after first use$/);
  });

  it("a context's Token Health panel says it first; other panels do not", () => {
    const credential = credentialSentence(eks, NOW);
    const context = buildPanelState({ ref: { kind: 'context', context: 'eks-prod-eu' }, records: [], findings: [], nowMs: NOW * 1000, credential });
    assert.equal(context.subject.detail, `${credential} — Every namespace of this context, as far as history has seen it`);
    const ns = buildPanelState({
      ref: { kind: 'namespace', context: 'eks-prod-eu', namespace: 'a' },
      records: [],
      findings: [],
      nowMs: NOW * 1000,
      credential,
    });
    assert.equal(ns.subject.detail, 'Context eks-prod-eu');
  });
});

describe('a plugin whose login failed or was cancelled', () => {
  it('says "login needed" on the context, with the sign-in icon and the menu flag for Sign In, not its expiry', () => {
    const d: CredentialDescription = {
      ...eks,
      loginNeeded: true,
      problem: 'login needed: the sign-in was cancelled; run "Cluster Credentials: Sign In to Context" to try again',
    };
    assert.equal(isLoginNeeded(d), true);
    assert.deepEqual(credentialSummary(d, NOW), { text: 'AWS EKS token · login needed' });
    const node = contextNode({ context: 'eks-prod-eu', summary: { name: 'eks-prod-eu', cluster: 'c', file: '/k' }, credential: d }, NOW);
    assert.match(node.description ?? '', /AWS EKS token · login needed$/);
    assert.equal(node.icon, 'sign-in');
    assert.match(node.contextValue ?? '', /\bexec\b.*\bloginNeeded\b/);
    assert.equal(isLoginNeeded({ ...eks, problem: 'the token file cannot be read' }), false);
  });
});
