// A session of its own for a context that is not the current one (a probe at start of the Rancher ACE context):
// built from the merged files as kubectl merges KUBECONFIG, with that context's cluster and user only, and its exec
// plugin never run.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { openSession, openSessionFor } from '../../../../src/cluster/auth/session';

const dir = mkdtempSync(join(tmpdir(), 'cc-session-for-'));
const admin = join(dir, 'admin.kubeconfig');
const ace = join(dir, 'ace.kubeconfig');
writeFileSync(
  admin,
  `apiVersion: v1
kind: Config
clusters:
- name: main
  cluster: { server: 'https://main.example:6443' }
users:
- name: admin
  user: { token: admin-token }
- name: cloud
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: /does/not/exist, interactiveMode: Never }
contexts:
- name: admin@main
  context: { cluster: main, user: admin }
- name: cloud@main
  context: { cluster: main, user: cloud }
current-context: admin@main
`,
);
writeFileSync(
  ace,
  `apiVersion: v1
kind: Config
clusters:
- name: downstream-node-1
  cluster: { server: 'https://ace.example:6443' }
users:
- name: downstream
  user: { token: rancher-token }
contexts:
- name: downstream-node-1
  context: { cluster: downstream-node-1, user: downstream }
current-context: downstream-node-1
`,
);
const load = loadKubeconfig({ env: { KUBECONFIG: [admin, ace].join(':') }, home: dir });

describe('openSessionFor', () => {
  it('opens the second file’s context with its own server and token, leaving the current one as it is', () => {
    const current = openSession(load, { trustExecPlugins: true });
    assert.ok(current.ok);
    assert.equal(current.session.context, 'admin@main');
    const other = openSessionFor(load, 'downstream-node-1', { trustExecPlugins: false });
    assert.ok(other.ok, other.ok ? '' : other.message);
    assert.equal(other.session.context, 'downstream-node-1');
    assert.equal(other.session.provider.cluster?.server, 'https://ace.example:6443');
    const described = other.session.provider.describe();
    assert.equal(described.kind, 'token');
    assert.equal(described.user, 'downstream');
    assert.equal(current.session.provider.cluster?.server, 'https://main.example:6443');
    void current.session.api.dispose();
    void other.session.api.dispose();
  });

  it('says so for a context the kubeconfig does not define', () => {
    const missing = openSessionFor(load, 'nowhere', { trustExecPlugins: false });
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.message, /has no context "nowhere"/);
  });

  it('describes an exec context without running its plugin', () => {
    const cloud = openSessionFor(load, 'cloud@main', { trustExecPlugins: false });
    assert.ok(cloud.ok);
    assert.equal(cloud.session.provider.describe().kind, 'exec');
    void cloud.session.api.dispose();
  });
});
