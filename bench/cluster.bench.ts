// cluster.list_pods_10k: ms for client-node's CoreV1Api to list the `large` scenario's 10,000
// pods in pages of 500 (limit/continue) over TLS from the test cluster; median of 7 runs after
// a warm-up. cluster.build_large: ms to start a cluster with the `large` scenario (one run).
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startTestCluster } from '../test/cluster/server';
import { median, timeMsAsync } from './stats';

type Report = (name: string, value: number, unit: string) => void;

export async function run(report: Report): Promise<void> {
  const t0 = process.hrtime.bigint();
  const cluster = await startTestCluster({ scenarios: ['large'] });
  report('cluster.build_large', Number(process.hrtime.bigint() - t0) / 1e6, 'ms');
  try {
    const kubeconfig = cluster.kubeconfigFor('admin-cert');
    await listAll(kubeconfig, 10_000);
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) samples.push(await timeMsAsync(() => listAll(kubeconfig, 10_000)));
    report('cluster.list_pods_10k', median(samples), 'ms');
  } finally {
    await cluster.stop();
  }
}

async function listAll(kubeconfig: string, expectAtLeast: number): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  let token: string | undefined;
  let count = 0;
  do {
    const page = await core.listPodForAllNamespaces({ limit: 500, ...(token !== undefined ? { _continue: token } : {}) });
    count += page.items.length;
    token = page.metadata?._continue;
  } while (token !== undefined);
  if (count < expectAtLeast) throw new Error(`listed ${count} pods, expected at least ${expectAtLeast}`);
}
