// Whose exec plugin a kubeconfig names, from its stanza alone: EKS (aws CLI and aws-iam-authenticator), GKE,
// AKS (Azure kubelogin) and OIDC (int128/kubelogin) in words, any other by its command and API version. Secret
// arguments never reach the words or the command line. Then the same words on the explorer's context node,
// and an EKS token inline in a kubeconfig read as one.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { describeCredential } from '../../../../src/cluster/auth/credentials';
import { commandBasename, execCommandLine, maskExecArgs, recognizeExecPlugin, type ExecStanza } from '../../../../src/cluster/auth/execPlugins';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import type { ModelSession } from '../../../../src/ui/explorer/explorerNode';
import { contextNode, credentialKindLabel } from '../../../../src/ui/explorer/statusNodes';
import { buildEksToken } from '../../token/support/eksTokens';
import { type TempDir, kubeconfigYaml, tempDir } from './support/fixtures';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const ROLE = 'arn:aws:iam::111122223333:role/Admin';
const env = (pairs: Record<string, string>): { name: string; value: string }[] => Object.entries(pairs).map(([name, value]) => ({ name, value }));

function words(stanza: ExecStanza): string {
  return recognizeExecPlugin(stanza).description;
}

describe('EKS exec plugins', () => {
  it('aws eks get-token with cluster, region and role, v1beta1', () => {
    const r = recognizeExecPlugin({
      command: 'aws',
      apiVersion: V1BETA1,
      args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod-eu', '--role-arn', ROLE, '--output', 'json'],
    });
    assert.equal(r.kind, 'eks');
    assert.equal(r.label, 'AWS EKS token');
    assert.equal(r.description, `AWS EKS token for cluster prod-eu (region eu-west-1), role ${ROLE}`);
    assert.deepEqual([r.cluster, r.region, r.roleArn, r.apiVersion, r.tokenForm], ['prod-eu', 'eu-west-1', ROLE, 'v1beta1', 'eksToken']);
  });

  it('reads the flags in any order and in the --flag=value form, v1', () => {
    const r = recognizeExecPlugin({
      command: 'aws',
      apiVersion: V1,
      args: ['eks', 'get-token', `--role-arn=${ROLE}`, '--cluster-name=prod-eu', '--region=us-east-2'],
    });
    assert.equal(r.description, `AWS EKS token for cluster prod-eu (region us-east-2), role ${ROLE}`);
    assert.equal(r.apiVersion, 'v1');
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION, the flag first of all', () => {
    const base: ExecStanza = { command: 'aws', apiVersion: V1BETA1, args: ['eks', 'get-token', '--cluster-name', 'prod-eu'] };
    assert.equal(words(base), 'AWS EKS token for cluster prod-eu');
    assert.equal(words({ ...base, env: env({ AWS_DEFAULT_REGION: 'ap-south-1' }) }), 'AWS EKS token for cluster prod-eu (region ap-south-1)');
    assert.equal(
      words({ ...base, env: env({ AWS_DEFAULT_REGION: 'ap-south-1', AWS_REGION: 'eu-north-1' }) }),
      'AWS EKS token for cluster prod-eu (region eu-north-1)',
    );
    assert.equal(
      words({ ...base, args: [...(base.args ?? []), '--region', 'us-west-2'], env: env({ AWS_REGION: 'eu-north-1' }) }),
      'AWS EKS token for cluster prod-eu (region us-west-2)',
    );
    assert.equal(words({ ...base, env: env({ AWS_PROFILE: 'prod' }) }), 'AWS EKS token for cluster prod-eu, profile prod');
  });

  it('aws-iam-authenticator token -i X -r A, by absolute path and on Windows', () => {
    for (const command of ['aws-iam-authenticator', '/usr/local/bin/aws-iam-authenticator', 'C:\\tools\\aws-iam-authenticator.exe']) {
      const r = recognizeExecPlugin({ command, apiVersion: V1BETA1, args: ['token', '-i', 'prod-eu', '-r', ROLE], env: env({ AWS_REGION: 'eu-west-1' }) });
      assert.equal(r.kind, 'eks', command);
      assert.equal(r.description, `AWS EKS token for cluster prod-eu (region eu-west-1), role ${ROLE}`);
    }
    assert.equal(words({ command: 'aws-iam-authenticator', args: ['token', '--cluster-id=staging'] }), 'AWS EKS token for cluster staging');
  });

  it('is not EKS when the aws command does something else', () => {
    assert.equal(recognizeExecPlugin({ command: 'aws', apiVersion: V1, args: ['sts', 'get-caller-identity'] }).kind, 'unknown');
    assert.equal(words({ command: 'aws', args: ['eks', 'get-token'] }), 'AWS EKS token (the arguments name no cluster)');
  });
});

describe('GKE, AKS and OIDC exec plugins', () => {
  it('gke-gcloud-auth-plugin: an opaque token, never decoded, cached beside the kubeconfig', () => {
    const r = recognizeExecPlugin({
      command: 'gke-gcloud-auth-plugin',
      apiVersion: V1BETA1,
      installHint: 'Install gke-gcloud-auth-plugin',
      interactiveMode: 'IfAvailable',
    });
    assert.equal(r.kind, 'gke');
    assert.equal(r.label, 'GKE access token');
    assert.equal(r.description, 'GKE access token from gcloud (opaque, never decoded); cached beside the kubeconfig in gke_gcloud_auth_plugin_cache');
    assert.equal(r.tokenForm, 'opaque');
  });

  it('kubelogin get-token names its login mode and tenant, v1 and v1beta1', () => {
    const args = [
      'get-token',
      '--login',
      'devicecode',
      '--server-id',
      '6dae42f8-4368-4678-94ff-3960e28e3630',
      '--tenant-id',
      'tenant-1',
      '--environment',
      'AzurePublicCloud',
    ];
    for (const apiVersion of [V1, V1BETA1]) {
      const r = recognizeExecPlugin({ command: 'kubelogin', apiVersion, args });
      assert.equal(r.kind, 'aks');
      assert.equal(r.description, 'Azure (Entra ID) token via kubelogin, login: device code, tenant tenant-1');
      assert.deepEqual([r.loginMode, r.serverId, r.tenantId, r.tokenForm], ['devicecode', '6dae42f8-4368-4678-94ff-3960e28e3630', 'tenant-1', 'jwt']);
    }
    const modes: [string, string][] = [
      ['interactive', 'interactive browser login'],
      ['spn', 'service principal'],
      ['msi', 'managed identity'],
      ['azurecli', 'Azure CLI'],
      ['workloadidentity', 'workload identity'],
    ];
    for (const [mode, said] of modes) {
      assert.equal(
        words({ command: 'kubelogin', args: ['get-token', `--login=${mode}`, '--server-id', 'x'] }),
        `Azure (Entra ID) token via kubelogin, login: ${said}`,
      );
    }
    // No --login: AAD_LOGIN_METHOD, else device code, as kubelogin decides.
    assert.equal(words({ command: 'kubelogin', args: ['get-token', '--server-id', 'x'] }), 'Azure (Entra ID) token via kubelogin, login: device code');
    assert.equal(
      words({ command: 'kubelogin', args: ['get-token', '--server-id', 'x'], env: env({ AAD_LOGIN_METHOD: 'msi' }) }),
      'Azure (Entra ID) token via kubelogin, login: managed identity',
    );
  });

  it('kubectl oidc-login get-token names its issuer and client', () => {
    const r = recognizeExecPlugin({
      command: 'kubectl',
      apiVersion: V1BETA1,
      args: ['oidc-login', 'get-token', '--oidc-issuer-url=https://login.example.com/realms/k8s', '--oidc-client-id=kubernetes', '--oidc-extra-scope=email'],
    });
    assert.equal(r.kind, 'oidc');
    assert.equal(r.description, 'OIDC ID token from https://login.example.com/realms/k8s (client kubernetes) via kubelogin');
    assert.equal(r.tokenForm, 'jwt');
    assert.equal(
      words({ command: 'kubectl-oidc_login', args: ['get-token', '--oidc-issuer-url', 'https://i.example', '--oidc-client-id', 'c'] }),
      'OIDC ID token from https://i.example (client c) via kubelogin',
    );
    // int128's binary installed as `kubelogin`: the OIDC flags say which kubelogin it is.
    assert.equal(recognizeExecPlugin({ command: 'kubelogin', args: ['get-token', '--oidc-issuer-url=https://i.example'] }).kind, 'oidc');
    assert.equal(recognizeExecPlugin({ command: 'kubectl', args: ['get-token', 'oidc-login'] }).kind, 'unknown');
  });
});

describe('other exec plugins and secret arguments', () => {
  it('an unknown plugin is named by its command and API version', () => {
    const r = recognizeExecPlugin({ command: '/opt/bin/my-helper', apiVersion: V1, args: ['--cluster', 'a'] });
    assert.equal(r.kind, 'unknown');
    assert.equal(r.label, 'exec plugin my-helper');
    assert.equal(r.description, 'exec plugin my-helper (v1)');
    assert.equal(r.commandLine, '/opt/bin/my-helper --cluster a');
    assert.equal(words({ command: 'helper.cmd' }), 'exec plugin helper');
    assert.equal(commandBasename('C:\\Program Files\\x\\Tool.EXE'), 'Tool');
  });

  it('masks the value of every secret flag, in both forms, and tokens anywhere', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const args = [
      'get-token',
      '--login',
      'spn',
      '--client-secret',
      'S3cr3t-value',
      '--password=hunter2',
      '--token',
      'opaque-static-token',
      '--oidc-client-secret=oidc-secret',
      '--client-certificate-password',
      'pfx-pass',
      '--token-cache-dir',
      '/home/u/.kube/cache',
      jwt,
    ];
    const masked = maskExecArgs(args);
    assert.deepEqual(masked, [
      'get-token',
      '--login',
      'spn',
      '--client-secret',
      '[masked]',
      '--password=[masked]',
      '--token',
      '[masked]',
      '--oidc-client-secret=[masked]',
      '--client-certificate-password',
      '[masked]',
      '--token-cache-dir',
      '/home/u/.kube/cache',
      masked[13] ?? '',
    ]);
    assert.match(masked[13] ?? '', /^eyJ…\[token sha256:[0-9a-f]{8}\]$/);
    const r = recognizeExecPlugin({ command: 'kubelogin', apiVersion: V1, args, env: env({ AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: 'env-secret' }) });
    const shown = JSON.stringify(r);
    for (const secret of ['S3cr3t-value', 'hunter2', 'opaque-static-token', 'oidc-secret', 'pfx-pass', 'env-secret', jwt]) {
      assert.ok(!shown.includes(secret), `${secret} is shown: ${shown}`);
    }
    assert.equal(r.description, 'Azure (Entra ID) token via kubelogin, login: service principal');
    assert.match(execCommandLine({ command: 'kubelogin', args: ['--client-secret', 'x y', 'a b'] }), /^kubelogin --client-secret \[masked\] "a b"$/);
  });

  it('a secret where a name is expected is masked, not read as the name', () => {
    const r = recognizeExecPlugin({ command: 'aws', args: ['eks', 'get-token', '--cluster-name', '--token', 'leaked'] });
    assert.ok(!JSON.stringify(r).includes('leaked'));
  });
});

describe('the context node says whose exec plugin it is', () => {
  const NOW = 1_800_000_000;
  const session = (exec: { command: string; apiVersion?: string; args: string[] }): ModelSession => ({
    context: 'prod-eu',
    summary: { name: 'prod-eu', cluster: 'prod-eu', server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', user: 'eks-admin', file: '/home/u/.kube/config' },
    credential: { context: 'prod-eu', user: 'eks-admin', kind: 'exec', exec: { env: [], provideClusterInfo: false, ...exec } },
  });

  it('in a few words on the row, in a sentence in the tooltip, with the command line masked', () => {
    const s = session({
      command: 'aws',
      apiVersion: V1BETA1,
      args: ['eks', 'get-token', '--cluster-name', 'prod-eu', '--region', 'eu-west-1', '--role-arn', ROLE],
    });
    const node = contextNode(s, NOW);
    assert.equal(node.description, 'AWS EKS token · expiry known after first use');
    assert.equal(credentialKindLabel(s.credential), 'AWS EKS token');
    const tip = typeof node.tooltip === 'function' ? node.tooltip() : '';
    assert.match(tip, /^Credential: AWS EKS token for cluster prod-eu \(region eu-west-1\), role arn:aws:iam::111122223333:role\/Admin {2}$/m);
    assert.match(tip, /^Exec command: aws eks get-token --cluster-name prod-eu --region eu-west-1 --role-arn arn:aws:iam::111122223333:role\/Admin {2}$/m);
    const secret = contextNode(session({ command: 'kubelogin', args: ['get-token', '--login', 'spn', '--client-secret', 'S3cr3t'] }), NOW);
    const secretTip = typeof secret.tooltip === 'function' ? secret.tooltip() : '';
    assert.ok(!secretTip.includes('S3cr3t'), secretTip);
    assert.match(secretTip, /--client-secret \\\[masked\\\]/);
    assert.equal(secret.description, 'Azure (Entra ID) token · expiry known after first use');
  });
});

describe('an EKS token inline in a kubeconfig', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir('cc-eks-');
  });
  afterEach(() => tmp.remove());

  it('is read as one: issued at X-Amz-Date, expiring 15 minutes later, its fingerprint and never the token', () => {
    const signedAt = Math.floor(Date.now() / 1000) - 120;
    const { token } = buildEksToken({ signedAt });
    const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { token } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    const d = describeCredential(load.kc, 'test');
    assert.deepEqual([d.kind, d.issuedAtSec, d.expiresAtSec, d.expirySource], ['token', signedAt, signedAt + 900, 'eksToken']);
    assert.match(d.fingerprint ?? '', /^[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(d).includes(token.slice(11, 60)));
  });

  it("from an EKS plugin: issued at X-Amz-Date, the plugin's expirationTimestamp kept as the expiry", () => {
    const signedAt = Math.floor(Date.now() / 1000) - 60;
    const { token } = buildEksToken({ signedAt });
    const exec = { apiVersion: V1BETA1, command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'prod-eu'] };
    const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { exec } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    // The AWS CLI answers with expirationTimestamp 14 minutes out, one minute before the URL stops working.
    const d = describeCredential(load.kc, 'test', { exec: { token, expiresAtSec: signedAt + 14 * 60 } });
    assert.deepEqual([d.kind, d.issuedAtSec, d.expiresAtSec, d.expirySource], ['exec', signedAt, signedAt + 14 * 60, 'exec']);
    assert.match(d.fingerprint ?? '', /^[0-9a-f]{16}$/);
  });
});
