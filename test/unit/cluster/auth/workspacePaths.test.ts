// Setting paths resolve against the workspace folder (never the host's cwd), and "inside the workspace"
// compares real paths, so a symlink or a differently-cased path cannot slip a workspace kubeconfig past trust.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveKubeconfigFiles } from '../../../../src/cluster/auth/kubeconfigFiles';
import { expandSettingPath, isInsideAnyFolder } from '../../../../src/cluster/auth/workspacePaths';

const root = mkdtempSync(join(tmpdir(), 'cc-wspaths-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('expandSettingPath', () => {
  const home = '/home/ada';
  const workspaceFolder = '/work/project';
  it('expands ~ to the home folder', () => {
    assert.equal(expandSettingPath('~', { home, workspaceFolder }), home);
    assert.equal(expandSettingPath('~/.kube/dev', { home, workspaceFolder }), '/home/ada/.kube/dev');
  });
  it('resolves relative paths and ${workspaceFolder} against the first workspace folder', () => {
    assert.equal(expandSettingPath('kube/config', { home, workspaceFolder }), '/work/project/kube/config');
    assert.equal(expandSettingPath('./kube/../config', { home, workspaceFolder }), '/work/project/config');
    assert.equal(expandSettingPath('${workspaceFolder}/.kube/config', { home, workspaceFolder }), '/work/project/.kube/config');
  });
  it('uses the home folder when no folder is open, never the process cwd', () => {
    assert.equal(expandSettingPath('kube/config', { home }), '/home/ada/kube/config');
  });
  it('leaves absolute paths alone', () => {
    assert.equal(expandSettingPath('/etc/kube/config', { home, workspaceFolder }), '/etc/kube/config');
  });
  it('is what resolveKubeconfigFiles uses for both settings', () => {
    assert.deepEqual(resolveKubeconfigFiles({ settingPath: 'k.yaml', env: {}, home, workspaceFolder }).files, ['/work/project/k.yaml']);
    assert.deepEqual(resolveKubeconfigFiles({ vsKubernetesPath: '${workspaceFolder}/k', env: {}, home, workspaceFolder }).files, ['/work/project/k']);
  });
});

describe('isInsideAnyFolder', () => {
  const ws = join(root, 'workspace');
  const outside = join(root, 'outside');
  mkdirSync(join(ws, '.kube'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(ws, '.kube', 'config'), 'apiVersion: v1\n');
  symlinkSync(join(ws, '.kube'), join(outside, 'link'));

  it('finds a file in the folder, and not one beside it', () => {
    assert.equal(isInsideAnyFolder(join(ws, '.kube', 'config'), [ws]), true);
    assert.equal(isInsideAnyFolder(join(outside, 'config'), [ws]), false);
    assert.equal(isInsideAnyFolder(`${ws}-other/config`, [ws]), false);
  });
  it('follows symlinks: a path outside that leads inside is inside', () => {
    assert.equal(isInsideAnyFolder(join(outside, 'link', 'config'), [ws]), true);
  });
  it('follows a symlinked workspace folder too', () => {
    assert.equal(isInsideAnyFolder(join(ws, '.kube', 'config'), [join(outside, 'link', '..', '..', 'workspace')]), true);
  });
  it('folds case on macOS and Windows only', () => {
    const upper = join(ws, '.KUBE', 'CONFIG');
    assert.equal(isInsideAnyFolder(upper, [ws.toUpperCase()], 'darwin'), true);
    assert.equal(isInsideAnyFolder(upper, [ws.toUpperCase()], 'linux'), false);
  });
  it('handles files that do not exist yet', () => {
    assert.equal(isInsideAnyFolder(join(ws, 'new', 'kubeconfig'), [ws]), true);
  });
});
