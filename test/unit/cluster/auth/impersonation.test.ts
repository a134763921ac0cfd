// A kubeconfig user's `as`, `as-uid`, `as-groups` and `as-user-extra` reach the API server as kubectl sends them
// (one header line per group and extra value) on every path: our requests and client-node's own clients made from
// the session's KubeConfig (Watch, Log, Exec).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthenticationV1Api, HttpMethod, RequestContext } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { openSession } from '../../../../src/cluster/auth/session';
import { kubeConfigWithCredential } from '../../../../src/cluster/auth/transport';
import { whoAmI } from '../../../../src/cluster/actions/whoAmI';
import { startTestCluster, type TestCluster } from '../../../cluster/server';

const IMPERSONATION = {
  as: 'jane',
  'as-uid': 'uid-1234',
  'as-groups': ['dev', 'ops, with a comma'],
  'as-user-extra': { scopes: ['read', 'write'], 'example.com/team name': ['blue'] },
};
const EXPECTED = {
  username: 'jane',
  uid: 'uid-1234',
  groups: ['dev', 'ops, with a comma', 'system:authenticated'],
  extra: { scopes: ['read', 'write'], 'example.com/team name': ['blue'] },
};

describe('impersonation from the kubeconfig', () => {
  let cluster: TestCluster;
  let dir: string;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    dir = mkdtempSync(path.join(tmpdir(), 'cc-impersonation-'));
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = (server: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string => {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
    writeFileSync(
      file,
      stringify({
        clusters: [{ name: 'c', cluster: { server, ...cluster } }],
        users: [{ name: 'u', user }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    return file;
  };

  const session = () => {
    const file = kubeconfig(
      cluster.url,
      { 'certificate-authority-data': Buffer.from(cluster.pki.ca.certPem).toString('base64') },
      { token: cluster.adminToken, ...IMPERSONATION },
    );
    const opened = openSession(loadKubeconfig({ settingPath: file, env: {}, home: dir }), { trustExecPlugins: false });
    assert.ok(opened.ok, !opened.ok ? opened.message : '');
    return opened.session;
  };

  it('our requests carry every group and extra value, each on its own line', async () => {
    const s = session();
    try {
      const r = await whoAmI(s.api);
      assert.ok(r.ok, !r.ok ? r.error.message : '');
      assert.deepEqual({ username: r.value.username, uid: r.value.uid, groups: r.value.groups, extra: r.value.extra }, EXPECTED);
    } finally {
      await s.api.dispose();
    }
  });

  it("client-node's clients made from the session's KubeConfig carry them too", async () => {
    const s = session();
    try {
      const kc = await s.api.kubeConfig();
      assert.ok(kc.ok);
      const review = await kc.kc
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      const u = review.status?.userInfo;
      assert.deepEqual({ username: u?.username, uid: u?.uid, groups: u?.groups, extra: u?.extra }, EXPECTED);
    } finally {
      await s.api.dispose();
    }
  });

  it('a cluster trusted through the system store still gets a connection that adds the headers', async () => {
    const file = kubeconfig('https://cluster.example.com:6443', {}, { token: 'unused', ...IMPERSONATION });
    const load = loadKubeconfig({ settingPath: file, env: {}, home: dir });
    assert.ok(load.ok, !load.ok ? load.message : '');
    const provider = new CredentialProvider(load.kc, 'x', { trustExecPlugins: false });
    const kc = kubeConfigWithCredential(provider, 'https://cluster.example.com:6443', 'unused', undefined);
    const probe = new RequestContext('https://cluster.example.com:6443/version', HttpMethod.GET);
    await kc.applySecurityAuthentication(probe);
    assert.ok(probe.getDispatcher(), 'a dispatcher to carry the impersonation headers');
    assert.equal(kc.getCurrentCluster()?.tlsServerName, 'cluster.example.com');
  });
});
