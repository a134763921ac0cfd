// cluster.list_pods_10k: ms for client-node's CoreV1Api to list the `large` scenario's 10,000
// pods in pages of 500 (limit/continue) over TLS from the test cluster; median of 7 runs after
// a warm-up. cluster.build_large: ms to start a cluster with the `large` scenario (one run).
// The `huge` cluster (150,000 pods) runs in a worker thread (clusterWorker.ts says why).
// cluster.huge_build_ms: ms to start a cluster with `huge`, one run: a build is a one-off, and a
// second would double the bench's minute. cluster.huge_heap_mb: the heap that cluster holds after
// garbage collection, above what its thread held before. cluster.list_pods_150k_ms: ms to list its
// pods in pages of 500 over TLS with plain https and JSON.parse (client-node's own deserialising
// would be most of the figure), median of 3 runs.
import { Agent, request } from 'node:https';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { HUGE } from '../test/cluster/scenarios/huge';
import { startTestCluster } from '../test/cluster/server';
import { median, timeMsAsync } from './stats';
import { startClusterInWorker, type WorkerClusterInfo } from './clusterWorker';

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
  await huge(report);
}

async function huge(report: Report): Promise<void> {
  const cluster = await startClusterInWorker(['huge']);
  try {
    report('cluster.huge_build_ms', cluster.buildMs, 'ms');
    report('cluster.huge_heap_mb', cluster.heapMb, 'MB');
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) samples.push(await timeMsAsync(() => listAllHttps(cluster, HUGE.pods)));
    report('cluster.list_pods_150k_ms', median(samples), 'ms');
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

/** Every pod, 500 a page, over one kept-alive TLS connection as the admin. */
async function listAllHttps(cluster: WorkerClusterInfo, expectAtLeast: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cluster.caPem });
  let token: string | undefined;
  let count = 0;
  try {
    do {
      const query = new URLSearchParams({ limit: '500' });
      if (token !== undefined) query.set('continue', token);
      const page = JSON.parse(await get(`${cluster.url}/api/v1/pods?${query.toString()}`, agent, cluster.adminToken)) as {
        items: unknown[];
        metadata: { continue?: string };
      };
      count += page.items.length;
      token = page.metadata.continue;
    } while (token !== undefined);
  } finally {
    agent.destroy();
  }
  if (count < expectAtLeast) throw new Error(`listed ${count} pods, expected at least ${expectAtLeast}`);
}

function get(url: string, agent: Agent, bearer: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`GET ${url}: ${res.statusCode ?? 0} ${text.slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
