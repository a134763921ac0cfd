// An EKS token names its cluster only in a signed header, whose value is not in the token: in a kubeconfig, the
// hover names the cluster from the contexts that use the token's user (an ARN from `aws eks update-kubeconfig`
// read as its cluster name), with the API server; elsewhere it says the token does not name it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clustersOfUserToken } from '../../../../src/diagnosis/kubeconfigPlace';
import { locateCredentials } from '../../../../src/token/locate';
import { hoverContentAt } from '../../../../src/ui/markdown/hoverContent';
import { buildEksToken } from '../../token/support/eksTokens';

const NOW = Math.floor(Date.now() / 1000);
const ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu';
const SERVER = 'https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com';

function kubeconfig(token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${ARN}`,
    '  cluster:',
    `    server: ${SERVER}`,
    '- name: staging',
    '  cluster: {server: "https://staging.example:6443"}',
    'users:',
    '- name: other',
    '  user: {token: abc}',
    `- name: ${ARN}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: eks-prod-eu`,
    '  context:',
    `    cluster: ${ARN}`,
    `    user: ${ARN}`,
    '- name: staging',
    '  context: {cluster: staging, user: other}',
    'current-context: eks-prod-eu',
    '',
  ].join('\n');
}

describe('the cluster of an EKS token in a kubeconfig', () => {
  it('is named from the context that uses its user: the ARN read as prod-eu, with its API server', () => {
    const { token } = buildEksToken({ signedAt: NOW - 120, region: 'eu-west-1' });
    const text = kubeconfig(token);
    const located = locateCredentials(text);
    const eks = located.find((c) => c.kind === 'eksToken');
    assert.ok(eks);
    assert.equal(eks.path, 'users[1].user.token');
    assert.deepEqual(clustersOfUserToken(text, eks.path), [{ name: 'prod-eu', entry: ARN, server: SERVER, contexts: ['eks-prod-eu'] }]);
    const md = hoverContentAt(located, eks.start + 5, NOW, undefined, () => text)?.markdown ?? '';
    assert.match(md, /^\$\(pass\) \*\*AWS EKS token: valid\*\* — expires in 13 min$/m);
    assert.match(md, /^\| Cluster \| `prod-eu` \(from context eks-prod-eu of this kubeconfig; the token names it only in a signed header\) \|$/m);
    assert.match(md, /^\| Region \| `eu-west-1` \|$/m);
    assert.ok(md.includes(`| API server | \`${SERVER}\` |`), md);
  });

  it('without the document, or outside users[].user.token, or in a broken document, the hover says the token does not name it', () => {
    const { token } = buildEksToken({ signedAt: NOW - 60 });
    const text = kubeconfig(token);
    const located = locateCredentials(text);
    const eks = located.find((c) => c.kind === 'eksToken');
    assert.ok(eks);
    assert.match(hoverContentAt(located, eks.start, NOW)?.markdown ?? '', /^\| Cluster \| not in the token \(a signed header\) \|$/m);
    assert.deepEqual(clustersOfUserToken(text, 'data.token'), []);
    assert.deepEqual(clustersOfUserToken(`${text}\n  : : [unclosed`, eks.path), []);
    assert.deepEqual(clustersOfUserToken('users: 3', 'users[0].user.token'), []);
  });
});
