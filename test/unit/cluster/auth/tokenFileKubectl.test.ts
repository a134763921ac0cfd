// kubectl is the reference: a kubeconfig with `tokenFile` (relative to the kubeconfig's folder) is the service
// account for kubectl and for us; with `token-file` kubectl finds no credential, and we send none.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { whoAmI } from '../../../../src/cluster/actions/whoAmI';
import { kubeconfigYaml } from '../../../cluster/kubeconfig';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';

const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const missing = probe.error !== undefined || probe.status !== 0 ? 'kubectl is not on PATH; install kubectl to compare with it' : false;
const SA = 'system:serviceaccount:payments:api';

describe('tokenFile and token-file, against kubectl', { skip: missing }, () => {
  let cluster: TestCluster;
  let dir: string;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    dir = mkdtempSync(join(tmpdir(), 'cc-tokenfile-kubectl-'));
    const sa = cluster.store.peek(R.serviceAccounts, 'payments', 'api');
    assert.ok(sa, 'the healthy scenario has payments/api');
    const issued = cluster.issuer.issue({
      namespace: 'payments',
      serviceAccount: { name: 'api', uid: sa.metadata.uid },
      expirationSeconds: 3600,
      nowSeconds: cluster.clock.nowSeconds(),
    });
    assert.ok(issued.ok);
    mkdirSync(join(dir, 'tokens'));
    writeFileSync(join(dir, 'tokens', 'api'), `${issued.issued.token}\n`);
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A kubeconfig in `dir` whose user has `key: tokens/api`, a path relative to the kubeconfig. */
  const kubeconfigWith = (key: 'tokenFile' | 'token-file'): string => {
    const doc: unknown = parse(
      kubeconfigYaml({ server: cluster.url, caPem: cluster.pki.ca.certPem, user: { kind: 'tokenFile', name: 'api', tokenFile: 'tokens/api' } }),
    );
    const text = stringify(doc).replace(/^(\s*)tokenFile: tokens\/api$/m, `$1${key}: tokens/api`);
    const file = join(dir, `config-${key}`);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };

  const kubectlWhoami = (file: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = { ...process.env, KUBECONFIG: file, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
      // Run from another folder so a relative path could only resolve against the kubeconfig's.
      const child = execFile(
        'kubectl',
        ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'],
        { env, cwd: tmpdir(), timeout: 20_000 },
        (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
        },
      );
      // With no credential kubectl asks for a username on stdin; an empty answer leaves it anonymous.
      child.stdin?.end();
    });

  const ourWhoami = async (file: string) => {
    const load = loadKubeconfig({ settingPath: file, env: {}, home: dir });
    assert.ok(load.ok, !load.ok ? load.message : '');
    const provider = new CredentialProvider(load.kc, load.currentContext ?? '', { trustExecPlugins: false });
    const api = createApiClients(provider);
    try {
      return { provider, result: await whoAmI(api) };
    } finally {
      await api.dispose();
    }
  };

  it('tokenFile: kubectl and our Who Am I both name the service account', async () => {
    const file = kubeconfigWith('tokenFile');
    const kubectl = await kubectlWhoami(file);
    assert.equal(kubectl.code, 0, kubectl.stderr);
    assert.equal(kubectl.stdout.trim(), SA);
    const ours = await ourWhoami(file);
    assert.ok(ours.result.ok, !ours.result.ok ? ours.result.error.message : '');
    assert.equal(ours.result.value.username, SA);
  });

  it('token-file: kubectl finds no credential, and we send none', async () => {
    const file = kubeconfigWith('token-file');
    const kubectl = await kubectlWhoami(file);
    // kubectl finds no credential in the user and asks for a username; with none it stops before any request.
    assert.notEqual(kubectl.code, 0);
    assert.match(kubectl.stderr + kubectl.stdout, /Please enter Username/);
    const ours = await ourWhoami(file);
    if (ours.result.ok) assert.equal(ours.result.value.username, 'system:anonymous');
    else assert.ok(['unauthorized', 'forbidden'].includes(ours.result.error.kind), ours.result.error.message);
    assert.equal(ours.provider.describe().kind, 'none');
    assert.match(ours.provider.describe().problem ?? '', /did you mean "tokenFile"/);
  });
});
