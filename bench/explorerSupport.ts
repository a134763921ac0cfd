// What the explorer's benches share: a session on an admin kubeconfig, the heap after garbage collection, and the
// floor every inventory is held to: a bare paginated client-node list of the pods and service accounts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadKubeconfig } from '../src/cluster/auth/kubeconfig';
import { openSession, type ClusterSession } from '../src/cluster/auth/session';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
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
  const file = join(dir, 'config');
  writeFileSync(file, kubeconfig);
  const opened = openSession(loadKubeconfig({ settingPath: file, env: {}, home: dir }), { trustExecPlugins: false });
  if (!opened.ok) throw new Error(opened.message);
  return opened.session;
}
