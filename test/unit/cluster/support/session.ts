// Shared by the explorer tests: a session on the test cluster, opened the way the extension opens one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { openSession, type ClusterSession } from '../../../../src/cluster/auth/session';
import type { ClusterUser, TestCluster } from '../../../cluster/server';

export interface TempDir {
  dir: string;
  file(name: string, text: string): string;
  remove(): void;
}

export function tempDir(prefix = 'cc-explorer-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text, { mode: 0o600 });
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sessionFromText(tmp: TempDir, kubeconfig: string, name = 'config'): ClusterSession {
  const file = tmp.file(name, kubeconfig);
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  const opened = openSession(load, { trustExecPlugins: false });
  assert.ok(opened.ok, opened.ok ? '' : opened.message);
  return opened.session;
}

export function sessionFor(cluster: TestCluster, tmp: TempDir, user: ClusterUser = 'admin'): ClusterSession {
  return sessionFromText(tmp, cluster.kubeconfigFor(user), `config-${typeof user === 'string' ? user : JSON.stringify(user).replace(/\W+/g, '')}`);
}

export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
