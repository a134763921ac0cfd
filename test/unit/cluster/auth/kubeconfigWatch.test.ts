// Following the kubeconfig: a file edited in place, replaced by rename (as kubectl and editors write),
// or created later is noticed; Switch Context writes current-context as kubectl does.
import assert from 'node:assert/strict';
import { readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileWatch } from '../../../../src/cluster/auth/fileWatch';
import { loadKubeconfig, setCurrentContext } from '../../../../src/cluster/auth/kubeconfig';
import { tempDir, waitFor } from '../support/session';

const KUBECONFIG = `# team kubeconfig
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: https://127.0.0.1:6443 }
users:
- name: u
  user: { token: abc }
contexts:
- name: one
  context: { cluster: c, user: u }
- name: two
  context: { cluster: c, user: u, namespace: payments }
current-context: one
`;

function counter(files: string[]): { count: () => number; dispose: () => void } {
  let n = 0;
  const watch = new FileWatch(files, () => n++, { debounceMs: 20, pollMs: 100 });
  return { count: () => n, dispose: () => watch.dispose() };
}

describe('kubeconfig files followed', () => {
  it('notices an edit in place, a replacement by rename and a file that appears later', async () => {
    const tmp = tempDir();
    const file = tmp.file('config', KUBECONFIG);
    const later = join(tmp.dir, 'later');
    const c = counter([file, later]);
    try {
      writeFileSync(file, KUBECONFIG.replace('current-context: one', 'current-context: two'));
      await waitFor('the edit', () => c.count() >= 1 || undefined);
      const seen = c.count();
      writeFileSync(join(tmp.dir, 'config.tmp'), KUBECONFIG);
      renameSync(join(tmp.dir, 'config.tmp'), file);
      await waitFor('the rename', () => c.count() > seen || undefined);
      const seen2 = c.count();
      writeFileSync(later, KUBECONFIG);
      await waitFor('the new file', () => c.count() > seen2 || undefined);
    } finally {
      c.dispose();
      tmp.remove();
    }
  });

  it('notices a rewrite that keeps size, modification time and inode, as one inside a coarse timestamp does', async () => {
    const tmp = tempDir();
    const file = tmp.file('config', KUBECONFIG);
    // Whole seconds, which utimes sets exactly, for both writes.
    const stamp = Math.floor(Date.now() / 1000) - 60;
    utimesSync(file, stamp, stamp);
    const before = statSync(file);
    const c = counter([file]);
    try {
      // Same length, and the same modification time: only the bytes differ.
      writeFileSync(file, KUBECONFIG.replace('current-context: one', 'current-context: two'));
      utimesSync(file, stamp, stamp);
      const after = statSync(file);
      assert.deepEqual([after.size, after.mtimeMs, after.ino], [before.size, before.mtimeMs, before.ino]);
      await waitFor('the same-size edit', () => c.count() >= 1 || undefined);
    } finally {
      c.dispose();
      tmp.remove();
    }
  });

  it('reports one write once, though the folder event and the stat poll both see it', async () => {
    const tmp = tempDir();
    const file = tmp.file('config', KUBECONFIG);
    const c = counter([file]);
    try {
      writeFileSync(file, KUBECONFIG.replace('current-context: one', 'current-context: two'));
      await waitFor('the edit', () => c.count() >= 1 || undefined);
      // Several poll periods: the poll sees the same write the folder event already reported.
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(c.count(), 1);
    } finally {
      c.dispose();
      tmp.remove();
    }
  });
});

describe('Switch Context', () => {
  it('writes current-context like kubectl config use-context, keeping the rest of the file', () => {
    const tmp = tempDir();
    try {
      const file = tmp.file('config', KUBECONFIG);
      const before = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
      assert.ok(before.ok);
      assert.equal(before.currentContext, 'one');
      const result = setCurrentContext(before.currentContextFile, 'two');
      assert.deepEqual(result, { ok: true });
      assert.equal(readFileSync(file, 'utf8'), KUBECONFIG.replace('current-context: one', 'current-context: two'));
      const after = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
      assert.ok(after.ok);
      assert.equal(after.currentContext, 'two');
      assert.equal(after.contexts.find((c) => c.name === 'two')?.namespace, 'payments');
    } finally {
      tmp.remove();
    }
  });

  it('writes to the file kubectl would when KUBECONFIG merges several', () => {
    const tmp = tempDir();
    try {
      const first = tmp.file('a', KUBECONFIG.replace('current-context: one\n', ''));
      const second = tmp.file('b', 'apiVersion: v1\nkind: Config\ncurrent-context: one\n');
      const load = loadKubeconfig({ env: { KUBECONFIG: `${first}:${second}` }, home: tmp.dir, delimiter: ':' });
      assert.ok(load.ok);
      assert.equal(load.currentContextFile, second);
      assert.deepEqual(setCurrentContext(load.currentContextFile, 'two'), { ok: true });
      assert.match(readFileSync(second, 'utf8'), /current-context: two/);
      assert.doesNotMatch(readFileSync(first, 'utf8'), /current-context/);
    } finally {
      tmp.remove();
    }
  });
});
