// What the explorer's benches share: a session on an admin kubeconfig, a wait for a state, and the
// floor every inventory is held to: a bare paginated client-node list of the pods and service accounts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadKubeconfig } from '../src/cluster/auth/kubeconfig';
import { openSession, type ClusterSession } from '../src/cluster/auth/session';

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function bareList(kubeconfig: string): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const start = process.hrtime.bigint();
  let cont: string | undefined;
  do {
    const page = await core.listPodForAllNamespaces({ limit: 500, ...(cont ? { _continue: cont } : {}) });
    cont = page.metadata?._continue;
  } while (cont);
  do {
    const page = await core.listServiceAccountForAllNamespaces({ limit: 500, ...(cont ? { _continue: cont } : {}) });
    cont = page.metadata?._continue;
  } while (cont);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function openAdmin(kubeconfig: string, dir: string): ClusterSession {
  writeFileSync(join(dir, 'config'), kubeconfig);
  return openSessionIn(dir);
}

/** A session on the kubeconfig `openAdmin` wrote into `dir` before: read and opened as at the extension's start. */
export function openSessionIn(dir: string): ClusterSession {
  const opened = openSession(loadKubeconfig({ settingPath: join(dir, 'config'), env: {}, home: dir }), { trustExecPlugins: false });
  if (!opened.ok) throw new Error(opened.message);
  return opened.session;
}
