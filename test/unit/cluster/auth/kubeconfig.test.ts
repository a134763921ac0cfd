import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadKubeconfig, resolveKubeconfigFiles, setCurrentContext } from '../../../../src/cluster/auth/kubeconfig';
import { type TempDir, tempDir } from './support/fixtures';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir('cc-kubeconfig-');
});
afterEach(() => tmp.remove());

const FILE_A = `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
- name: only-a
  cluster:
    server: https://only-a.example:6443
users:
- name: shared-user
  user:
    token: from-a
contexts:
- name: ctx-a
  context:
    cluster: shared
    user: shared-user
    namespace: payments
`;

const FILE_B = `apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
users:
- name: shared-user
  user:
    token: from-b
contexts:
- name: ctx-a
  context:
    cluster: only-a
    user: shared-user
- name: ctx-b
  context:
    cluster: shared
    user: shared-user
`;

const FILE_C = `apiVersion: v1
kind: Config
current-context: ctx-a
contexts:
- name: ctx-c
  context:
    cluster: shared
    user: shared-user
`;

describe('resolveKubeconfigFiles', () => {
  const home = '/home/dev';
  const env = { KUBECONFIG: '/k/one:/k/two' };

  it('prefers our setting, then vs-kubernetes.kubeconfig, then KUBECONFIG, then ~/.kube/config', () => {
    assert.deepEqual(resolveKubeconfigFiles({ settingPath: '/mine', vsKubernetesPath: '/vsk', env, home }), { origin: 'setting', files: ['/mine'] });
    assert.deepEqual(resolveKubeconfigFiles({ settingPath: '  ', vsKubernetesPath: '/vsk', env, home }), { origin: 'vsKubernetes', files: ['/vsk'] });
    assert.deepEqual(resolveKubeconfigFiles({ env, home }), { origin: 'KUBECONFIG', files: ['/k/one', '/k/two'] });
    assert.deepEqual(resolveKubeconfigFiles({ env: {}, home }), { origin: 'default', files: [path.join(home, '.kube', 'config')] });
  });

  it('expands ~ in settings and drops empty and repeated KUBECONFIG entries', () => {
    assert.deepEqual(resolveKubeconfigFiles({ settingPath: '~/clusters/dev.yaml', env: {}, home }).files, [path.join(home, 'clusters/dev.yaml')]);
    assert.deepEqual(resolveKubeconfigFiles({ env: { KUBECONFIG: '/a::/b:/a:' }, home }).files, ['/a', '/b']);
    assert.deepEqual(resolveKubeconfigFiles({ env: { KUBECONFIG: 'C:\\a;C:\\b' }, home, delimiter: ';' }).files, ['C:\\a', 'C:\\b']);
  });
});

describe('loadKubeconfig: KUBECONFIG merging', () => {
  it('lets the first file that defines a name win and takes current-context from the first file that sets one', () => {
    const a = tmp.file('a.yaml', FILE_A);
    const b = tmp.file('b.yaml', FILE_B);
    const c = tmp.file('c.yaml', FILE_C);
    const missing = path.join(tmp.dir, 'missing.yaml');
    const load = loadKubeconfig({ env: { KUBECONFIG: [a, missing, b, c].join(path.delimiter) }, home: tmp.dir });
    assert.ok(load.ok, !load.ok ? load.message : '');
    assert.equal(load.origin, 'KUBECONFIG');
    // b sets ctx-b before c sets ctx-a.
    assert.equal(load.currentContext, 'ctx-b');
    assert.equal(load.kc.getCurrentContext(), 'ctx-b');
    // Cluster "shared" and user "shared-user" come from a, the first file to define them.
    assert.equal(load.kc.getCluster('shared')?.server, 'https://a.example:6443');
    assert.equal(load.kc.getUser('shared-user')?.token, 'from-a');
    const byName = new Map(load.contexts.map((ctx) => [ctx.name, ctx]));
    assert.deepEqual([...byName.keys()].sort(), ['ctx-a', 'ctx-b', 'ctx-c']);
    // ctx-a is defined by a (cluster shared), not by b (cluster only-a).
    assert.deepEqual(byName.get('ctx-a'), {
      name: 'ctx-a',
      cluster: 'shared',
      server: 'https://a.example:6443',
      user: 'shared-user',
      namespace: 'payments',
      file: a,
    });
    assert.equal(byName.get('ctx-b')?.file, b);
    assert.equal(byName.get('ctx-c')?.file, c);
    // kubectl config use-context writes to the first file that already sets current-context.
    assert.equal(load.currentContextFile, b);
  });

  it('takes current-context from a later file when the earlier ones set none', () => {
    const a = tmp.file('a.yaml', FILE_A);
    const c = tmp.file('c.yaml', FILE_C);
    const load = loadKubeconfig({ env: { KUBECONFIG: `${a}${path.delimiter}${c}` }, home: tmp.dir });
    assert.ok(load.ok);
    assert.equal(load.currentContext, 'ctx-a');
    assert.equal(load.currentContextFile, c);
  });
});

describe('loadKubeconfig: problems', () => {
  it('reports a missing ~/.kube/config as noKubeconfig with a next step', () => {
    const load = loadKubeconfig({ env: {}, home: tmp.dir });
    assert.equal(load.ok, false);
    assert.ok(!load.ok);
    assert.equal(load.problem, 'noKubeconfig');
    assert.match(load.message, new RegExp(`no kubeconfig at ${escape(path.join(tmp.dir, '.kube', 'config'))}`));
    assert.match(load.message, /clusterCredentials\.kubeconfig/);
  });

  it('names the setting when the configured file does not exist', () => {
    const load = loadKubeconfig({ vsKubernetesPath: path.join(tmp.dir, 'nope.yaml'), env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'noKubeconfig');
    assert.match(load.message, /vs-kubernetes\.kubeconfig/);
    assert.match(load.message, /nope\.yaml/);
  });

  it('reports noKubeconfig when no file listed in KUBECONFIG exists', () => {
    const load = loadKubeconfig({ env: { KUBECONFIG: `${tmp.dir}/x${path.delimiter}${tmp.dir}/y` }, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'noKubeconfig');
    assert.match(load.message, /none of the files in KUBECONFIG exist/);
  });

  it('names the file and the YAML error line of a broken kubeconfig, without throwing', () => {
    const file = tmp.file('broken.yaml', 'apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: https://x\n  server: y\n');
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'invalid');
    assert.ok(load.message.startsWith(`${file} is not valid YAML at line `), load.message);
    assert.match(load.message, /fix that line/);
  });

  it('reports a duplicate key with the line it is on', () => {
    const file = tmp.file('dup.yaml', 'apiVersion: v1\nkind: Config\nkind: Config\n');
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'invalid');
    assert.match(load.message, /at line 3, column 1 \(Map keys must be unique\)/);
  });

  it('rejects YAML that is not a map, and a clusters key that is not a list', () => {
    const list = loadKubeconfig({ settingPath: tmp.file('list.yaml', '- a\n- b\n'), env: {}, home: tmp.dir });
    assert.ok(!list.ok);
    assert.equal(list.problem, 'invalid');
    assert.match(list.message, /not a kubeconfig/);
    const clusters = loadKubeconfig({ settingPath: tmp.file('c.yaml', 'clusters: {a: 1}\n'), env: {}, home: tmp.dir });
    assert.ok(!clusters.ok);
    assert.match(clusters.message, /"clusters" is not a list/);
  });

  it('reports a path it cannot read as unreadable', () => {
    const dir = path.join(tmp.dir, 'a-directory');
    mkdirSync(dir);
    const load = loadKubeconfig({ settingPath: dir, env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'unreadable');
    assert.match(load.message, /EISDIR/);
  });

  it('reports noContext, with the contexts to choose from, when no current context is set', () => {
    const load = loadKubeconfig({ settingPath: tmp.file('a.yaml', FILE_A), env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'noContext');
    assert.match(load.message, /sets no current context/);
    assert.deepEqual(
      load.contexts?.map((c) => c.name),
      ['ctx-a'],
    );
  });

  it('reports noContext when current-context names a context that does not exist', () => {
    const load = loadKubeconfig({ settingPath: tmp.file('a.yaml', `${FILE_A}current-context: gone\n`), env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'noContext');
    assert.match(load.message, /"gone" is not defined/);
  });

  it('reports noContext for an empty file, which kubectl reads as an empty config', () => {
    const load = loadKubeconfig({ settingPath: tmp.file('empty.yaml', ''), env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'noContext');
    assert.match(load.message, /defines no contexts/);
  });

  it('reports invalid when the current context uses a cluster nobody defines', () => {
    const text = 'current-context: x\ncontexts:\n- name: x\n  context: {cluster: ghost, user: u}\n';
    const load = loadKubeconfig({ settingPath: tmp.file('k.yaml', text), env: {}, home: tmp.dir });
    assert.ok(!load.ok);
    assert.equal(load.problem, 'invalid');
    assert.match(load.message, /cluster "ghost"/);
  });
});

describe('loadKubeconfig: paths', () => {
  it('resolves relative paths against the kubeconfig folder and leaves PATH commands alone', () => {
    const sub = path.join(tmp.dir, 'conf');
    mkdirSync(sub);
    // client-node is handed only the current context's entries: each user is checked as the current one.
    const file = path.join(sub, 'config');
    const loadAs = (user: string) => {
      writeFileSync(
        file,
        `current-context: ${user}
clusters:
- name: k
  cluster: {server: 'https://k:6443', certificate-authority: certs/ca.crt}
users:
- name: files
  user: {client-certificate: certs/me.crt, client-key: certs/me.key}
- name: tf
  user: {tokenFile: tokens/token}
- name: plugin-rel
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin}}
- name: plugin-path
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}
contexts:
${['files', 'tf', 'plugin-rel', 'plugin-path'].map((u) => `- name: ${u}\n  context: {cluster: k, user: ${u}}`).join('\n')}
`,
      );
      const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
      assert.ok(load.ok, !load.ok ? load.message : '');
      assert.equal(load.contexts.length, 4);
      return load.kc;
    };
    const files = loadAs('files');
    assert.equal(files.getCluster('k')?.caFile, path.join(sub, 'certs/ca.crt'));
    assert.equal(files.getUser('files')?.certFile, path.join(sub, 'certs/me.crt'));
    assert.equal(files.getUser('files')?.keyFile, path.join(sub, 'certs/me.key'));
    // The token file is neither read at load time (it does not exist) nor lost: it becomes client-node's tokenFile provider.
    assert.deepEqual(loadAs('tf').getUser('tf')?.authProvider, { name: 'tokenFile', config: { tokenFile: path.join(sub, 'tokens/token') } });
    assert.equal(loadAs('plugin-rel').getUser('plugin-rel')?.exec.command, path.join(sub, 'bin/plugin'));
    assert.equal(loadAs('plugin-path').getUser('plugin-path')?.exec.command, 'aws');
  });
});

describe('setCurrentContext', () => {
  const COMMENTED = `# Managed by hand: keep these notes.
apiVersion: v1
kind: Config
clusters:
  # staging first
  - name: staging
    cluster:
      server: https://staging:6443   # via VPN
contexts:
  - name: staging
    context: {cluster: staging, user: me}
  - name: prod
    context: {cluster: staging, user: me}
current-context: "staging" # switched often
users:
  - name: me
    user: {token: abc}
`;

  it('replaces only the value, keeping comments, quoting style elsewhere and indentation', () => {
    const file = tmp.file('config', COMMENTED);
    assert.deepEqual(setCurrentContext(file, 'prod'), { ok: true });
    const after = readFileSync(file, 'utf8');
    assert.equal(after, COMMENTED.replace('current-context: "staging" # switched often', 'current-context: prod # switched often'));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    assert.equal(load.currentContext, 'prod');
  });

  it('fills an empty value and adds the key when it is missing, keeping comments', () => {
    const empty = tmp.file('empty', 'current-context:\n# tail comment\nkind: Config\n');
    assert.deepEqual(setCurrentContext(empty, 'dev'), { ok: true });
    assert.equal(readFileSync(empty, 'utf8'), 'current-context: dev\n# tail comment\nkind: Config\n');

    const original = '# head comment\nkind: Config # inline\nclusters:\n- name: a\n  cluster: {server: x}';
    const none = tmp.file('none', original);
    assert.deepEqual(setCurrentContext(none, 'dev'), { ok: true });
    assert.equal(readFileSync(none, 'utf8'), `${original}\ncurrent-context: dev\n`);
  });

  it('quotes names that Go would read as booleans', () => {
    const file = tmp.file('config', 'current-context: a\n');
    setCurrentContext(file, 'yes');
    assert.equal(readFileSync(file, 'utf8'), 'current-context: "yes"\n');
  });

  it('leaves a broken file untouched and says so', () => {
    const broken = 'current-context: a\n  bad: [\n';
    const file = tmp.file('config', broken);
    const result = setCurrentContext(file, 'b');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && /not valid YAML/.test(result.message));
    assert.equal(readFileSync(file, 'utf8'), broken);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
