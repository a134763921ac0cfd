// Switch Context writes the user's kubeconfig the safe way: under kubectl's `<file>.lock`, replaced as a whole
// through a temp file in the same folder, keeping the file's mode and a symlink as a symlink.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setCurrentContext } from '../../../../src/cluster/auth/kubeconfig';
import { type TempDir, tempDir } from './support/fixtures';

const POSIX = process.platform !== 'win32';

const KUBECONFIG = `# my clusters, by hand
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: https://10.0.0.1:6443 }
users:
- name: u
  user: { token: secret-token }
contexts:
- name: dev
  context: { cluster: c, user: u }
- name: prod
  context: { cluster: c, user: u }
current-context: dev # switched often
`;
const SWITCHED = KUBECONFIG.replace('current-context: dev', 'current-context: prod');

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir('cc-kcwrite-');
});
afterEach(() => tmp.remove());

describe('Switch Context writes the kubeconfig safely', () => {
  it('keeps the mode and every other byte, and leaves no temp or lock file behind', { skip: !POSIX && 'POSIX modes' }, () => {
    const file = tmp.file('config', KUBECONFIG);
    chmodSync(file, 0o640);
    assert.deepEqual(setCurrentContext(file, 'prod'), { ok: true });
    assert.equal(readFileSync(file, 'utf8'), SWITCHED);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(tmp.dir), ['config']);
  });

  it('makes a new file 0600, as kubectl does', { skip: !POSIX && 'POSIX modes' }, () => {
    const file = path.join(tmp.dir, 'fresh');
    assert.deepEqual(setCurrentContext(file, 'dev'), { ok: true });
    assert.equal(readFileSync(file, 'utf8'), 'apiVersion: v1\nkind: Config\ncurrent-context: dev\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('respects a lock kubectl holds: waits briefly, then gives up with a sentence and touches nothing', () => {
    const file = tmp.file('config', KUBECONFIG);
    const lock = tmp.file('config.lock', '');
    const result = setCurrentContext(file, 'prod', { lockWaitMs: 100 });
    assert.deepEqual(result, {
      ok: false,
      message: `${file} is being written by another program (${lock} exists, as kubectl leaves it while writing), so it was left unchanged; try again in a moment, or delete ${lock} if no kubectl is running`,
    });
    assert.equal(readFileSync(file, 'utf8'), KUBECONFIG);
    assert.ok(existsSync(lock), "another program's lock is not ours to remove");
  });

  it('goes ahead once the lock is released', () => {
    const file = tmp.file('config', KUBECONFIG);
    const lock = tmp.file('config.lock', '');
    // Another process releases the lock while our write waits (the wait blocks this thread).
    const releaser = spawn(process.execPath, ['-e', 'setTimeout(() => require("node:fs").rmSync(process.argv[1]), 200)', lock], { stdio: 'ignore' });
    try {
      assert.deepEqual(setCurrentContext(file, 'prod', { lockWaitMs: 20_000 }), { ok: true });
      assert.equal(readFileSync(file, 'utf8'), SWITCHED);
      assert.ok(!existsSync(lock));
    } finally {
      releaser.kill();
    }
  });

  it('writes through a symlinked kubeconfig, which stays a symlink', { skip: !POSIX && 'symlinks need privileges on Windows' }, () => {
    const real = tmp.file('real-config', KUBECONFIG);
    chmodSync(real, 0o600);
    const link = path.join(tmp.dir, 'config');
    symlinkSync(real, link);
    assert.deepEqual(setCurrentContext(link, 'prod'), { ok: true });
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(real, 'utf8'), SWITCHED);
    assert.equal(statSync(real).mode & 0o777, 0o600);
  });

  it('leaves a broken file as it was', () => {
    const broken = 'current-context: a\n  bad: [\n';
    const file = tmp.file('config', broken);
    const result = setCurrentContext(file, 'b');
    assert.equal(result.ok, false);
    assert.equal(readFileSync(file, 'utf8'), broken);
    assert.deepEqual(readdirSync(tmp.dir), ['config']);
  });
});
